import type { Worker } from '../core/worker';
import type { StateMessage } from './bus';

/**
 * Key layout and wire format of the Redis state bus. Every key of one bus shares the hash tag
 * `{<channel>}` so Redis Cluster keeps them in one slot (the Lua scripts and MULTI blocks touch
 * several of them at once). The schema version is part of the default prefix (`collie:v1`) and
 * of every stream entry (`v`), so a collie speaking another version never reads our data.
 */
export const WIRE_VERSION = 1;
export const DEFAULT_KEY_PREFIX = `collie:v${WIRE_VERSION}`;

export interface RedisBusKeys {
  /** Stream of batches: one entry `d` = JSON `{v, from, msgs}` per flush. */
  readonly stream: string;
  /** Hash: `registry`, `registry-version`, `engine-loads`, `loads:<participant>`. */
  readonly snapshot: string;
  /** String with a TTL, refreshed by a live participant. */
  readonly alive: (id: string) => string;
}

export function redisBusKeys(prefix: string, channel: string): RedisBusKeys {
  const base = `${prefix}:{${channel}}`;
  return {
    stream: `${base}:events`,
    snapshot: `${base}:snapshot`,
    alive: (id) => `${base}:alive:${id}`,
  };
}

/** Snapshot hash fields. */
export const FIELD = {
  registry: 'registry',
  registryVersion: 'registry-version',
  engineLoads: 'engine-loads',
  loadsPrefix: 'loads:',
} as const;

/** The stream entry field holding the batch. */
export const ENTRY_FIELD = 'd';

export type Entries = Array<[string, number]>;
type RegistryMsg = Extract<StateMessage, { t: 'registry' }>;
type EngineLoadsMsg = Extract<StateMessage, { t: 'engine-loads' }>;
type RoutedEvent = Extract<StateMessage, { t: 'routed' }>['events'][number];

export function encodeBatch(from: string, msgs: readonly StateMessage[]): string {
  return JSON.stringify({ v: WIRE_VERSION, from, msgs });
}

export interface DecodedBatch {
  readonly from: string;
  readonly msgs: StateMessage[];
  /** Messages inside the batch that failed validation. */
  readonly invalid: number;
}

/** A stream entry's batch, or undefined for garbage / another wire version. */
export function decodeBatch(fields: readonly string[]): DecodedBatch | undefined {
  let raw: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === ENTRY_FIELD) raw = fields[i + 1];
  }
  const v = raw === undefined ? undefined : parseJson(raw);
  if (!isObject(v) || v.v !== WIRE_VERSION || typeof v.from !== 'string') return undefined;
  if (!Array.isArray(v.msgs)) return undefined;
  const msgs: StateMessage[] = [];
  let invalid = 0;
  for (const m of v.msgs as unknown[]) {
    const parsed = parseMessage(m);
    if (parsed) msgs.push(parsed);
    else invalid++;
  }
  return { from: v.from, msgs, invalid };
}

/** Validates one message; unknown types and malformed fields give undefined. */
export function parseMessage(v: unknown): StateMessage | undefined {
  if (!isObject(v) || typeof v.t !== 'string') return undefined;
  switch (v.t) {
    case 'registry':
      return parseRegistry(v);
    case 'loads': {
      const entries = parseEntries(v.entries);
      if (typeof v.from !== 'string' || !entries) return undefined;
      if (v.pending === undefined) return { t: 'loads', from: v.from, entries };
      const pending = parseEntries(v.pending);
      return pending ? { t: 'loads', from: v.from, entries, pending } : undefined;
    }
    case 'peer-down':
      return typeof v.from === 'string' ? { t: 'peer-down', from: v.from } : undefined;
    case 'engine-loads': {
      const entries = parseEntries(v.entries);
      return entries ? { t: 'engine-loads', entries } : undefined;
    }
    case 'routed': {
      const events = parseRoutedEvents(v.events);
      if (typeof v.from !== 'string' || !events) return undefined;
      return { t: 'routed', from: v.from, events };
    }
    case 'prefix-clear':
      return typeof v.from === 'string' ? { t: 'prefix-clear', from: v.from } : undefined;
    default:
      return undefined;
  }
}

export function parseRegistry(v: unknown): RegistryMsg | undefined {
  if (!isObject(v) || v.t !== 'registry') return undefined;
  if (typeof v.version !== 'number' || !Array.isArray(v.workers)) return undefined;
  const workers = v.workers as unknown[];
  if (!workers.every(isWorker)) return undefined;
  return { t: 'registry', version: v.version, workers };
}

export function parseEngineLoads(v: unknown): EngineLoadsMsg | undefined {
  const m = parseMessage(v);
  return m?.t === 'engine-loads' ? m : undefined;
}

/** `[[workerId, number], …]`, or undefined. */
export function parseEntries(v: unknown): Entries | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Entries = [];
  for (const e of v as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2) return undefined;
    const [id, n] = e as unknown[];
    if (typeof id !== 'string' || typeof n !== 'number' || !Number.isFinite(n)) return undefined;
    out.push([id, n]);
  }
  return out;
}

function parseRoutedEvents(v: unknown): RoutedEvent[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: RoutedEvent[] = [];
  for (const e of v as unknown[]) {
    if (!isObject(e)) return undefined;
    const { model, worker, hashes } = e;
    if (typeof model !== 'string' || typeof worker !== 'string' || typeof hashes !== 'string') {
      return undefined;
    }
    out.push(e.exact === true ? { model, worker, hashes, exact: true } : { model, worker, hashes });
  }
  return out;
}

/** Enough of a Worker to route with; the registry owner is trusted for the rest. */
function isWorker(v: unknown): v is Worker {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.url === 'string' &&
    typeof v.modelId === 'string' &&
    typeof v.status === 'string' &&
    typeof v.revision === 'number'
  );
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Milliseconds part of a stream id (`<ms>-<seq>`), or undefined. */
export function streamIdMs(id: string): number | undefined {
  const ms = Number(id.slice(0, id.indexOf('-')));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
