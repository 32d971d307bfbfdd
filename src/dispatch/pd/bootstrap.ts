import type { Rng } from '../../util/rng';
import { GatewayError } from '../../errors/gateway-error';

/** The SGLang disaggregation fields the gateway owns in every PD request body. */
export const BOOTSTRAP_FIELDS = ['bootstrap_host', 'bootstrap_port', 'bootstrap_room'] as const;

type Json = Readonly<Record<string, unknown>>;

/** The route a body belongs to decides how its batch is counted (SMG's rules, §5.4). */
export type PdRoute = 'generate' | 'chat' | 'completions' | 'rerank';

function isTokenIds(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** Length of a batch of prompts (`[[ids], [ids]]` or `["a", "b"]`), undefined for one prompt. */
function batchOf(v: unknown): number | undefined {
  if (!Array.isArray(v) || v.length === 0 || isTokenIds(v)) return undefined;
  return v.length;
}

/**
 * The batch size of a PD request: the bootstrap fields become arrays of this length (one
 * room per item). /generate: an `input_ids` batch (a `text` given with it must be a batch of
 * the same length); chat: `n` > 1; completions: a prompt array (an array of token ids is one prompt).
 * Throws a 400 for a /generate whose text and input_ids batches disagree.
 */
export function batchSize(route: PdRoute, body: Json): number | undefined {
  switch (route) {
    case 'generate': {
      // a text string is one prompt; next to a batch of input_ids it disagrees with it
      const t = body['text'];
      const text = typeof t === 'string' ? 1 : batchOf(t);
      const ids = batchOf(body['input_ids']);
      if (text !== undefined && ids !== undefined && text !== ids) {
        throw new GatewayError(
          'invalid_body',
          `batch size mismatch: text has ${text} prompts, input_ids has ${ids}`,
        );
      }
      return ids ?? (typeof t === 'string' ? undefined : text);
    }
    case 'chat': {
      const n = body['n'];
      return typeof n === 'number' && n > 1 ? n : undefined;
    }
    case 'completions':
      return batchOf(body['prompt']);
    case 'rerank':
      return undefined;
  }
}

/** A random bootstrap room: an unsigned 63-bit integer, as decimal digits (exact in JSON). */
export function newRoom(rng: Rng): string {
  const hi = BigInt(Math.floor(rng() * 2 ** 31)); // 31 bits
  const lo = BigInt(Math.floor(rng() * 2 ** 32)); // 32 bits
  return ((hi << 32n) | lo).toString();
}

/** Where the decode engine fetches the KV of one request. */
export interface BootstrapTarget {
  /** The prefill engine's host (from its URL). */
  readonly host: string;
  readonly port: number | null;
}

/** The JSON members (without braces) of the bootstrap fields, and the rooms minted. */
export function bootstrapMembers(
  t: BootstrapTarget,
  batch: number | undefined,
  rng: Rng,
): { members: string; rooms: string[] } {
  const host = JSON.stringify(t.host);
  const port = t.port === null ? 'null' : String(t.port);
  if (batch === undefined) {
    const room = newRoom(rng);
    return {
      members: `"bootstrap_host":${host},"bootstrap_port":${port},"bootstrap_room":${room}`,
      rooms: [room],
    };
  }
  const rooms = Array.from({ length: batch }, () => newRoom(rng));
  const rep = (v: string): string => `[${Array.from({ length: batch }, () => v).join(',')}]`;
  return {
    members: `"bootstrap_host":${rep(host)},"bootstrap_port":${rep(port)},"bootstrap_room":[${rooms.join(',')}]`,
    rooms,
  };
}

/**
 * The body template of a PD request: the client's JSON (re-serialised only when a field must
 * change: the canonical model, or bootstrap fields the client sent, which the gateway owns
 * and replaces as SMG does) with its closing brace cut off, so each attempt only appends
 * fresh bootstrap members. `raw` is used as is when nothing changes.
 */
export function bodyTemplate(
  raw: Buffer | string,
  body: Json,
  overrides: Json,
): { head: string; empty: boolean } {
  const clientFields = BOOTSTRAP_FIELDS.some((f) => f in body);
  const changes = Object.keys(overrides).length > 0;
  let text: string;
  if (clientFields || changes) {
    const copy: Record<string, unknown> = { ...body, ...overrides };
    for (const f of BOOTSTRAP_FIELDS) delete copy[f];
    text = JSON.stringify(copy);
  } else {
    text = (typeof raw === 'string' ? raw : raw.toString('utf8')).trimEnd();
  }
  const end = text.lastIndexOf('}');
  const head = text.slice(0, end);
  return { head, empty: /^\{\s*$/.test(head) };
}

/** Closes a template with members appended. */
export function withMembers(tpl: { head: string; empty: boolean }, members: string): string {
  return `${tpl.head}${tpl.empty ? '' : ','}${members}}`;
}

/** The host part of an engine URL (brackets of an IPv6 literal removed). */
export function hostOf(url: string): string {
  const h = new URL(url).hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
