import { Unpackr } from 'msgpackr';

/**
 * Decoding of vLLM/SGLang KV-cache event messages (vllm/distributed/kv_events.py).
 *
 * Wire: a ZeroMQ multipart message `[topic, seq (8-byte big-endian), payload]`, the payload a
 * msgpack `EventBatch`. Both encodings seen in the field are accepted at both levels:
 *  - batch: array `[ts, events, dp_rank?]` or map `{ts, events, data_parallel_rank?}`;
 *  - event: tagged array `["BlockStored", block_hashes, parent, token_ids, block_size,
 *    lora_id, medium, lora_name?]` (msgspec array_like) or tagged map `{type: "BlockStored",
 *    …}` (the 2026 change).
 * Engine block hashes are ints (64-bit, possibly signed) or bytes (e.g. 32-byte SHA-256):
 * they are only ever used as opaque keys, never recomputed (see ingest.ts).
 * Unknown fields are ignored; an event that cannot be used (bad shape, absurd sizes, a
 * non-GPU medium, a LoRA or multimodal block, a non-full-attention group) is skipped and
 * counted, never thrown: one bad event must not cost the rest of its batch.
 */

/** An engine block hash as an opaque map key: `i:<uint64>` or `b:<hex>`. */
export type EngineHash = string;

export interface BlockStoredEvent {
  readonly kind: 'stored';
  readonly hashes: readonly EngineHash[];
  readonly parent: EngineHash | null;
  readonly tokenIds: Uint32Array;
  readonly blockSize: number;
  readonly group: number | undefined;
}

export interface BlockRemovedEvent {
  readonly kind: 'removed';
  readonly hashes: readonly EngineHash[];
  readonly group: number | undefined;
}

export interface AllClearedEvent {
  readonly kind: 'cleared';
}

export type KvEvent = BlockStoredEvent | BlockRemovedEvent | AllClearedEvent;

/** Why an event was skipped (a metrics label). */
export type SkipReason =
  | 'malformed'
  | 'unknown_type'
  | 'bad_hash'
  | 'bad_block_size'
  | 'bad_tokens'
  | 'medium'
  | 'lora'
  | 'extra_keys'
  | 'group';

export interface DecodedBatch {
  readonly ts: number;
  readonly dpRank: number | undefined;
  readonly events: readonly KvEvent[];
  readonly skipped: ReadonlyArray<SkipReason>;
}

export interface DecodedFrame {
  readonly topic: string;
  /** The publisher's sequence number (unsigned 64-bit, as a bigint). */
  readonly seq: bigint;
  readonly payload: Uint8Array;
}

/** Largest accepted block (tokens): engines page by 1–256 tokens; anything bigger is garbage. */
export const MAX_BLOCK_SIZE = 4096;
/** Most blocks one event may carry (a 1M-token prompt at page size 16 is 65536 blocks). */
export const MAX_EVENT_BLOCKS = 65_536;
/** Most events one batch may carry. */
export const MAX_BATCH_EVENTS = 100_000;
/** Engine hashes as bytes: 8..64 bytes (64-bit up to SHA-512); others are wrong width. */
const MIN_HASH_BYTES = 1;
const MAX_HASH_BYTES = 64;

export class KvDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KvDecodeError';
  }
}

/** vLLM's end-of-replay marker: seq -1 as a signed 64-bit big-endian int. */
export const END_SEQ = 0xffffffffffffffffn;

/** Splits a multipart message; throws KvDecodeError on a frame that is not ours. */
export function decodeFrames(frames: readonly Uint8Array[]): DecodedFrame {
  if (frames.length !== 3) throw new KvDecodeError(`expected 3 frames, got ${frames.length}`);
  const [topic, seq, payload] = frames as [Uint8Array, Uint8Array, Uint8Array];
  return { topic: Buffer.from(topic).toString('utf8'), seq: readSeq(seq), payload };
}

/** An 8-byte big-endian sequence number. */
export function readSeq(b: Uint8Array): bigint {
  if (b.byteLength !== 8) throw new KvDecodeError(`seq frame must be 8 bytes, got ${b.byteLength}`);
  return Buffer.from(b.buffer, b.byteOffset, 8).readBigUInt64BE(0);
}

export function seqBytes(seq: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, seq));
  return b;
}

const unpackr = new Unpackr({ int64AsType: 'bigint', mapsAsObjects: true, useRecords: false });

/** Decodes one EventBatch payload; throws KvDecodeError when it is not one. */
export function decodeBatch(payload: Uint8Array): DecodedBatch {
  let raw: unknown;
  try {
    raw = unpackr.unpack(payload);
  } catch (e) {
    throw new KvDecodeError(`msgpack: ${(e as Error).message}`);
  }
  let ts: unknown;
  let events: unknown;
  let rank: unknown;
  if (Array.isArray(raw)) [ts, events, rank] = raw as unknown[];
  else if (isRecord(raw)) {
    ts = raw['ts'];
    events = raw['events'];
    rank = raw['data_parallel_rank'] ?? raw['dp_rank'];
  } else throw new KvDecodeError('event batch is neither an array nor a map');
  if (!Array.isArray(events)) throw new KvDecodeError('event batch has no events array');
  if (events.length > MAX_BATCH_EVENTS) throw new KvDecodeError('event batch too large');
  const out: KvEvent[] = [];
  const skipped: SkipReason[] = [];
  for (const e of events as unknown[]) {
    const r = decodeEvent(e);
    if (typeof r === 'string') skipped.push(r);
    else out.push(r);
  }
  return { ts: toNumber(ts) ?? 0, dpRank: toNumber(rank), events: out, skipped };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Field names of the array_like encodings, after the tag, in declaration order. */
const STORED_FIELDS = [
  'block_hashes',
  'parent_block_hash',
  'token_ids',
  'block_size',
  'lora_id',
  'medium',
  'lora_name',
  'extra_keys',
  'group_idx',
  'kv_cache_spec_kind',
  'kv_cache_spec_sliding_window',
] as const;
const REMOVED_FIELDS = ['block_hashes', 'medium', 'group_idx'] as const;

function fieldsOf(e: unknown): { tag: unknown; get: (k: string) => unknown } | undefined {
  if (Array.isArray(e)) {
    const arr = e as unknown[];
    const tag = arr[0];
    const names: readonly string[] =
      tag === 'BlockStored' ? STORED_FIELDS : tag === 'BlockRemoved' ? REMOVED_FIELDS : [];
    return { tag, get: (k) => arr[names.indexOf(k) + 1 || -1] };
  }
  if (isRecord(e)) return { tag: e['type'] ?? e['tag'], get: (k) => e[k] };
  return undefined;
}

function decodeEvent(e: unknown): KvEvent | SkipReason {
  const f = fieldsOf(e);
  if (!f) return 'malformed';
  switch (f.tag) {
    case 'BlockStored':
      return decodeStored(f.get);
    case 'BlockRemoved':
      return decodeRemoved(f.get);
    case 'AllBlocksCleared':
      return { kind: 'cleared' };
    default:
      return 'unknown_type';
  }
}

/** GPU blocks only: offloaded tiers (CPU, disk) do not make a prefill cheap. */
function gpuMedium(m: unknown): boolean {
  return m === undefined || m === null || (typeof m === 'string' && m.toUpperCase() === 'GPU');
}

function groupOf(get: (k: string) => unknown): number | undefined | 'bad' {
  const g = get('group_idx');
  if (g === undefined || g === null) return undefined;
  const n = toNumber(g);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : 'bad';
}

function decodeStored(get: (k: string) => unknown): BlockStoredEvent | SkipReason {
  const hashes = hashList(get('block_hashes'));
  if (typeof hashes === 'string') return hashes;
  const parentRaw = get('parent_block_hash');
  const parent = parentRaw === undefined || parentRaw === null ? null : hashKey(parentRaw);
  if (parent === undefined) return 'bad_hash';
  const blockSize = toNumber(get('block_size'));
  if (blockSize === undefined || !Number.isInteger(blockSize)) return 'bad_block_size';
  if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) return 'bad_block_size';
  if (!gpuMedium(get('medium'))) return 'medium';
  const lora = get('lora_name') ?? get('lora_id');
  if (lora !== undefined && lora !== null) return 'lora';
  const extra = get('extra_keys');
  if (Array.isArray(extra) && extra.some((x) => x !== null && x !== undefined)) return 'extra_keys';
  const kind = get('kv_cache_spec_kind');
  const window = get('kv_cache_spec_sliding_window');
  if (typeof kind === 'string' && !/full/i.test(kind)) return 'group';
  if (window !== undefined && window !== null) return 'group';
  const group = groupOf(get);
  if (group === 'bad') return 'malformed';
  const tokenIds = tokenList(get('token_ids'), hashes.length * blockSize);
  if (!tokenIds) return 'bad_tokens';
  return { kind: 'stored', hashes, parent, tokenIds, blockSize, group };
}

function decodeRemoved(get: (k: string) => unknown): BlockRemovedEvent | SkipReason {
  const hashes = hashList(get('block_hashes'));
  if (typeof hashes === 'string') return hashes;
  if (!gpuMedium(get('medium'))) return 'medium';
  const group = groupOf(get);
  if (group === 'bad') return 'malformed';
  return { kind: 'removed', hashes, group };
}

function hashList(v: unknown): EngineHash[] | SkipReason {
  if (!Array.isArray(v)) return 'malformed';
  if (v.length === 0 || v.length > MAX_EVENT_BLOCKS) return 'malformed';
  const out: EngineHash[] = [];
  for (const h of v as unknown[]) {
    const k = hashKey(h);
    if (k === undefined) return 'bad_hash';
    out.push(k);
  }
  return out;
}

/** An engine hash as a key; undefined when it is not an int or bytes of a sane width. */
export function hashKey(h: unknown): EngineHash | undefined {
  if (typeof h === 'bigint') {
    if (h < -(1n << 63n) || h >= 1n << 64n) return undefined;
    return `i:${BigInt.asUintN(64, h)}`;
  }
  if (typeof h === 'number') {
    if (!Number.isSafeInteger(h)) return undefined;
    return `i:${BigInt.asUintN(64, BigInt(h))}`;
  }
  if (h instanceof Uint8Array) {
    if (h.byteLength < MIN_HASH_BYTES || h.byteLength > MAX_HASH_BYTES) return undefined;
    return `b:${Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex')}`;
  }
  return undefined;
}

/** Token ids of exactly `expected` entries, each a uint32; else undefined. */
function tokenList(v: unknown, expected: number): Uint32Array | undefined {
  if (!Array.isArray(v) || v.length !== expected) return undefined;
  const out = new Uint32Array(expected);
  for (let i = 0; i < expected; i++) {
    const t: unknown = v[i];
    const n = typeof t === 'bigint' ? Number(t) : t;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) return undefined;
    out[i] = n;
  }
  return out;
}
