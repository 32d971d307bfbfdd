import type { RequestCtx } from './core';
import type { GenPlan } from './generation';
import { isObject, type Body } from './body-fields';
import { sendError, type ErrorFamily } from './http-io';
import { startBootstrapServer, type BootstrapServer } from './pd-bootstrap';

export const PD_ROLES = ['prefill', 'decode'] as const;
export type PdRoleName = (typeof PD_ROLES)[number];

/** What a PD role changes in one request (read by the generation and the answer builders). */
export interface PdRequest {
  /** The body the handler serves instead of the one received (which stays as recorded). */
  readonly body?: Body;
  /** The KV came from a prefill engine: no local prefill time. */
  readonly skipPrefill: boolean;
  /** Called after each planned generation's prefill (a prefill engine hands the KV over). */
  readonly onPrefilled?: (plan: GenPlan) => void;
  /** Extra meta_info members of SGLang answers. */
  readonly metaExtra?: (plan: GenPlan) => Record<string, unknown>;
  /** Extra top-level members of OpenAI answers (vLLM's kv_transfer_params). */
  readonly answerExtra?: () => Record<string, unknown>;
}

export interface PdRoleOptions {
  readonly role: PdRoleName;
  readonly host: string;
  /** Prefill: port of the bootstrap server (0 = a free one). */
  readonly bootstrapPort: number;
  /** KV hand-off speed, prompt tokens/s; 0 = instant. */
  readonly kvTransferTokensPerSec: number;
  /** Decode: longest wait for a prefill's KV, ms. */
  readonly bootstrapTimeoutMs: number;
}

/** A mock engine's PD role: a prefill engine with its bootstrap server, or a decode engine. */
export interface PdRole {
  readonly role: PdRoleName;
  readonly bootstrapPort: number | undefined;
  /**
   * Before an inference handler runs: the request's PD hooks, or false when the request was
   * answered here (an error) and the handler must not run.
   */
  prepare(ctx: RequestCtx, family: ErrorFamily): Promise<PdRequest | false>;
  close(): Promise<void>;
}

function rooms(v: unknown): string[] | undefined {
  const one = (x: unknown): string | undefined =>
    typeof x === 'number' || typeof x === 'string' ? String(x) : undefined;
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v as unknown[]) {
      const r = one(x);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  }
  const r = one(v);
  return r === undefined ? undefined : [r];
}

function transferMs(o: PdRoleOptions, tokens: number): number {
  return o.kvTransferTokensPerSec > 0 ? (tokens / o.kvTransferTokensPerSec) * 1000 : 0;
}

/**
 * The body a prefill engine serves: one output token (it only computes the prompt and the
 * first token). A copy: the recorded request stays as received.
 */
function oneToken(body: Body): Body {
  const sp = body['sampling_params'];
  const out: Body = {
    ...body,
    sampling_params: { ...(isObject(sp) ? sp : {}), max_new_tokens: 1 },
    max_tokens: 1,
  };
  if ('max_completion_tokens' in body) out['max_completion_tokens'] = 1;
  return out;
}

function promptLogprobs(plan: GenPlan): Record<string, unknown> {
  return {
    input_token_logprobs: Array.from({ length: plan.promptTokens }, (_, i) => [
      -0.5,
      100 + i,
      null,
    ]),
  };
}

function prefillRequest(
  o: PdRoleOptions,
  boot: BootstrapServer,
  ctx: RequestCtx,
  family: ErrorFamily,
): PdRequest | false {
  const body = ctx.body as Body;
  const kv = body['kv_transfer_params'];
  const logprob = body['return_logprob'] === true;
  if (isObject(kv) && kv['do_remote_decode'] === true) {
    const id = ctx.core.nextId('xfer-');
    boot.begin(id);
    let handed = false;
    ctx.signal.addEventListener('abort', () => !handed && boot.fail(id), { once: true });
    return {
      body: oneToken(body),
      skipPrefill: false,
      onPrefilled: (plan) => {
        handed = true;
        boot.transferred(id, plan.promptTokens, transferMs(o, plan.promptTokens));
      },
      answerExtra: () => ({
        kv_transfer_params: {
          do_remote_prefill: true,
          do_remote_decode: false,
          remote_engine_id: ctx.core.workerId,
          remote_block_ids: [0],
          remote_host: o.host,
          remote_port: boot.port,
          transfer_id: id,
        },
      }),
    };
  }
  const rs = rooms(body['bootstrap_room']);
  if (!rs) {
    sendError(ctx.res, family, 400, 'bootstrap_room is required on a prefill engine');
    return false;
  }
  for (const r of rs) boot.begin(r);
  let next = 0;
  ctx.signal.addEventListener('abort', () => rs.slice(next).forEach((r) => boot.fail(r)), {
    once: true,
  });
  return {
    body: oneToken(body),
    skipPrefill: false,
    onPrefilled: (plan) => {
      const r = rs[next++];
      if (r !== undefined) boot.transferred(r, plan.promptTokens, transferMs(o, plan.promptTokens));
    },
    ...(logprob ? { metaExtra: promptLogprobs } : {}),
  };
}

/** Waits for one room's KV at a prefill engine's bootstrap server; an error text or undefined. */
async function fetchKv(
  url: string,
  room: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/kv/${encodeURIComponent(room)}?wait_ms=${timeoutMs}`, {
      signal,
    });
    await res.arrayBuffer();
    if (res.status === 200) return undefined;
    if (res.status === 410) return `KV transfer failed for bootstrap_room ${room}: prefill aborted`;
    return `KV transfer for bootstrap_room ${room} timed out after ${timeoutMs} ms`;
  } catch (e) {
    if (signal.aborted) return 'aborted';
    return `bootstrap server ${url} unreachable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function hostPart(h: string): string {
  return h.includes(':') ? `[${h}]` : h;
}

/** Where the KV comes from, or an error text for a request that cannot be decoded. */
function kvSource(body: Body): { url: string; rooms: string[] } | string {
  const kv = body['kv_transfer_params'];
  if (isObject(kv) && kv['do_remote_prefill'] === true) {
    const { remote_host: h, remote_port: p, transfer_id: id } = kv;
    if (typeof h !== 'string' || typeof p !== 'number' || typeof id !== 'string') {
      return 'kv_transfer_params needs remote_host, remote_port and transfer_id';
    }
    return { url: `http://${hostPart(h)}:${p}`, rooms: [id] };
  }
  const host = body['bootstrap_host'];
  const port = body['bootstrap_port'];
  const rs = rooms(body['bootstrap_room']);
  const first: unknown = Array.isArray(host) ? (host as unknown[])[0] : host;
  const firstPort: unknown = Array.isArray(port) ? (port as unknown[])[0] : port;
  if (typeof first !== 'string' || !rs) {
    return 'bootstrap_host and bootstrap_room are required on a decode engine';
  }
  if (typeof firstPort !== 'number') {
    return `no bootstrap_port for prefill host ${first}: the prefill engine's bootstrap port must be configured`;
  }
  return { url: `http://${hostPart(first)}:${firstPort}`, rooms: rs };
}

/**
 * A vLLM decode engine given no KV hand-off (no `kv_transfer_params`, no bootstrap fields)
 * serves the request as a plain engine would: it computes the prompt itself.
 */
function recomputesLocally(ctx: RequestCtx, body: Body): boolean {
  return (
    ctx.core.cfg.runtime === 'vllm' &&
    !isObject(body['kv_transfer_params']) &&
    body['bootstrap_room'] === undefined
  );
}

async function decodeRequest(
  o: PdRoleOptions,
  ctx: RequestCtx,
  family: ErrorFamily,
): Promise<PdRequest | false> {
  const body = ctx.body as Body;
  if (recomputesLocally(ctx, body)) return { skipPrefill: false };
  const src = kvSource(body);
  if (typeof src === 'string') {
    sendError(ctx.res, family, 400, src);
    return false;
  }
  const errors = await Promise.all(
    src.rooms.map((r) => fetchKv(src.url, r, o.bootstrapTimeoutMs, ctx.signal)),
  );
  if (ctx.signal.aborted) return false;
  const error = errors.find((e) => e !== undefined);
  if (error !== undefined) {
    ctx.core.counters.failed++;
    sendError(ctx.res, family, 500, error);
    return false;
  }
  return {
    skipPrefill: true,
    ...(body['return_logprob'] === true
      ? { metaExtra: () => ({ input_token_logprobs: [[-0.25, 1, null]] }) }
      : {}),
  };
}

export async function startPdRole(o: PdRoleOptions): Promise<PdRole> {
  const boot =
    o.role === 'prefill' ? await startBootstrapServer(o.host, o.bootstrapPort) : undefined;
  return {
    role: o.role,
    bootstrapPort: boot?.port,
    prepare: (ctx, family) =>
      boot ? Promise.resolve(prefillRequest(o, boot, ctx, family)) : decodeRequest(o, ctx, family),
    close: () => boot?.close() ?? Promise.resolve(),
  };
}

function optInt(name: string, v: number | undefined, def: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new Error(`mock-engine: ${name} must be an integer in [0, ${max}], got ${v}`);
  }
  return v;
}

/** The role options of an engine's options, validated. */
export function pdOptions(
  o: {
    role?: PdRoleName;
    bootstrapPort?: number;
    kvTransferTokensPerSec?: number;
    bootstrapTimeoutMs?: number;
  },
  host: string,
): PdRoleOptions {
  if (o.role === undefined || !PD_ROLES.includes(o.role)) {
    throw new Error(`mock-engine: role must be one of ${PD_ROLES.join(', ')}`);
  }
  const tps = o.kvTransferTokensPerSec ?? 0;
  if (!Number.isFinite(tps) || tps < 0) {
    throw new Error('mock-engine: kvTransferTokensPerSec must be >= 0');
  }
  return {
    role: o.role,
    host,
    bootstrapPort: optInt('bootstrapPort', o.bootstrapPort, 0, 65535),
    kvTransferTokensPerSec: tps,
    bootstrapTimeoutMs: optInt('bootstrapTimeoutMs', o.bootstrapTimeoutMs, 30_000, 3_600_000),
  };
}
