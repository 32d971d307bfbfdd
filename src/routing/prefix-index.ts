import {
  loadNative,
  type NativeAddon,
  type NativePrefixIndex,
  type NativePrefixIndexStats,
} from '../native';

/**
 * Prefix index over the native addon: which worker probably holds the KV blocks of a prompt.
 *
 * Callers speak string worker ids; a slot table maps them to the small integer slots the
 * native core uses (freed slots are reused after removeWorker). One instance per thread.
 */

/** Highest worker slot the native core accepts, plus one. */
export const MAX_PREFIX_WORKERS = 65536;

/** Seed for routingHashes, so text-derived hashes never alias token-derived ones. */
export const ROUTING_TEXT_SEED = 0x636f6c6c69652d74n; // "collie-t"

export interface PrefixIndexOptions {
  /** Tokens (or pseudo-tokens, see routingHashes) per block; an integer >= 1. */
  readonly blockSize: number;
  /** Addon to use; defaults to loadNative(). */
  readonly native?: NativeAddon;
}

export interface PrefixWorkerMatch {
  readonly workerId: string;
  /** Matched prefix length in blocks. */
  readonly blocks: number;
}

export interface PrefixMatch {
  /** Blocks in the query. */
  readonly totalBlocks: number;
  /**
   * The workers with a match > 0 (at most the limit asked for): longest first, ties by slot
   * (first-seen worker) order.
   */
  readonly best: readonly PrefixWorkerMatch[];
}

export interface PrefixWorkerStats {
  readonly workerId: string;
  readonly blocks: number;
  /** Capacity in blocks; Infinity when unset. */
  readonly capacity: number;
}

export interface PrefixIndexStats extends Omit<NativePrefixIndexStats, 'workers'> {
  readonly workers: readonly PrefixWorkerStats[];
}

export interface PrefixIndex {
  readonly blockSize: number;
  /** `limit` caps the workers returned (the first of `best`'s order); default: all. */
  match(model: string, hashes: BigUint64Array, limit?: number): PrefixMatch;
  /** Records the worker as holder of every block, refreshing its recency. */
  insert(model: string, workerId: string, hashes: BigUint64Array): void;
  /**
   * The routing hot path: routingHashes(text) and match in one native call; the hashes stay
   * native for insertLast. (match() also leaves its hashes for insertLast.)
   */
  lookupText(model: string, text: string, limit?: number): PrefixMatch;
  /**
   * insert() of the last lookupText/match query's blocks; with `publish`, the hashes are also
   * queued for takePending. Returns the number of blocks.
   */
  insertLast(model: string, workerId: string, publish: boolean): number;
  /** The hashes queued by insertLast(…, true) since the last call, as little-endian bytes. */
  takePending(): Buffer;
  /** Per-worker budget in tokens (Infinity = unlimited, the default), floored to blocks. */
  setCapacityTokens(workerId: string, tokens: number): void;
  /** Forgets the worker everywhere; returns false if it was unknown. */
  removeWorker(workerId: string): boolean;
  /** Drops all blocks, or one model's; capacities are kept. */
  clear(model?: string): void;
  stats(): PrefixIndexStats;
}

interface SlotTable {
  slotOf(workerId: string): number | undefined;
  acquire(workerId: string): number;
  release(workerId: string): number | undefined;
  idAt(slot: number): string | undefined;
}

function createSlotTable(): SlotTable {
  const slots = new Map<string, number>();
  const ids: (string | undefined)[] = [];
  const free: number[] = [];
  return {
    slotOf: (workerId) => slots.get(workerId),
    acquire(workerId) {
      const known = slots.get(workerId);
      if (known !== undefined) return known;
      const slot = free.pop() ?? ids.length;
      if (slot >= MAX_PREFIX_WORKERS) {
        throw new RangeError(`prefix index: more than ${MAX_PREFIX_WORKERS} workers`);
      }
      slots.set(workerId, slot);
      ids[slot] = workerId;
      return slot;
    },
    release(workerId) {
      const slot = slots.get(workerId);
      if (slot === undefined) return undefined;
      slots.delete(workerId);
      ids[slot] = undefined;
      free.push(slot);
      return slot;
    },
    idAt: (slot) => ids[slot],
  };
}

function checkModel(method: string, model: unknown): asserts model is string {
  if (typeof model !== 'string') {
    throw new TypeError(`prefix index ${method}: model must be a string`);
  }
}

function checkWorkerId(method: string, workerId: unknown): asserts workerId is string {
  if (typeof workerId !== 'string' || workerId === '') {
    throw new TypeError(`prefix index ${method}: workerId must be a non-empty string`);
  }
}

function checkHashes(method: string, hashes: unknown): asserts hashes is BigUint64Array {
  if (!(hashes instanceof BigUint64Array)) {
    throw new TypeError(`prefix index ${method}: hashes must be a BigUint64Array`);
  }
}

function checkBlockSize(where: string, blockSize: unknown): asserts blockSize is number {
  if (!Number.isInteger(blockSize) || (blockSize as number) < 1) {
    throw new TypeError(`${where}: blockSize must be an integer >= 1`);
  }
}

/** Wraps a native PrefixIndex with string worker ids and an internal recency tick. */
export function createPrefixIndex(options: PrefixIndexOptions): PrefixIndex {
  const { blockSize } = options;
  checkBlockSize('createPrefixIndex', blockSize);
  const native: NativePrefixIndex = new (options.native ?? loadNative()).PrefixIndex();
  native.configureText(blockSize, ROUTING_TEXT_SEED);
  const slots = createSlotTable();
  let tick = 0;
  let pairs = new Uint32Array(64); // matchInto scratch: (slot, blocks) pairs, grown on demand
  let looked = new Uint32Array(2 + 64); // lookupText scratch: header + pairs, grown on demand

  const toMatches = (from: Uint32Array, at: number, count: number): PrefixWorkerMatch[] => {
    const best: PrefixWorkerMatch[] = [];
    for (let i = 0; i < count; i++) {
      const workerId = slots.idAt(from[at + 2 * i] ?? 0);
      if (workerId !== undefined) best.push({ workerId, blocks: from[at + 2 * i + 1] ?? 0 });
    }
    return best;
  };

  return {
    blockSize,
    match(model, hashes, limit) {
      checkModel('match', model);
      checkHashes('match', hashes);
      let count = native.matchInto(model, hashes, pairs, limit);
      if (count * 2 > pairs.length) {
        pairs = new Uint32Array(count * 4);
        count = native.matchInto(model, hashes, pairs, limit);
      }
      return { totalBlocks: hashes.length, best: toMatches(pairs, 0, count) };
    },
    lookupText(model, text, limit) {
      checkModel('lookupText', model);
      checkText('lookupText', text);
      let count = native.lookupText(model, text, looked, limit);
      if (2 + count * 2 > looked.length) {
        looked = new Uint32Array(2 + count * 4);
        count = native.lookupText(model, text, looked, limit);
      }
      return { totalBlocks: looked[0] ?? 0, best: toMatches(looked, 2, count) };
    },
    insertLast(model, workerId, publish) {
      checkModel('insertLast', model);
      checkWorkerId('insertLast', workerId);
      return native.insertLast(model, slots.acquire(workerId), ++tick, publish);
    },
    takePending: () => native.takePending(),
    insert(model, workerId, hashes) {
      checkModel('insert', model);
      checkWorkerId('insert', workerId);
      checkHashes('insert', hashes);
      native.insert(model, slots.acquire(workerId), hashes, ++tick);
    },
    setCapacityTokens(workerId, tokens) {
      checkWorkerId('setCapacityTokens', workerId);
      if (typeof tokens !== 'number' || Number.isNaN(tokens) || tokens < 0) {
        throw new TypeError('prefix index setCapacityTokens: tokens must be a number >= 0');
      }
      // Finite budgets beyond 2^53 blocks are clamped; Infinity stays unlimited.
      const blocks =
        tokens === Infinity
          ? Infinity
          : Math.min(Math.floor(tokens / blockSize), Number.MAX_SAFE_INTEGER);
      native.setCapacity(slots.acquire(workerId), blocks);
    },
    removeWorker(workerId) {
      checkWorkerId('removeWorker', workerId);
      const slot = slots.release(workerId);
      if (slot === undefined) return false;
      native.removeWorker(slot);
      return true;
    },
    clear(model) {
      if (model === undefined) return native.clear();
      checkModel('clear', model);
      native.clear(model);
    },
    stats() {
      const s = native.stats();
      const workers: PrefixWorkerStats[] = [];
      for (const w of s.workers) {
        const workerId = slots.idAt(w.worker);
        if (workerId !== undefined) {
          workers.push({ workerId, blocks: w.blocks, capacity: w.capacity });
        }
      }
      return { ...s, workers };
    },
  };
}

const encoder = new TextEncoder();

function checkText(where: string, text: unknown): asserts text is string {
  if (typeof text !== 'string') throw new TypeError(`${where}: text must be a string`);
}

/** Pseudo-tokens of UTF-8 bytes, little-endian 4-byte chunks; needs byteOffset % 4 === 0. */
function pseudoTokens(bytes: Uint8Array, length: number): Uint32Array {
  // The native hash reads the tokens' memory as bytes, so this equals hashing the raw
  // UTF-8 bytes on every platform; no endianness conversion is needed.
  return new Uint32Array(bytes.buffer, bytes.byteOffset, length >>> 2);
}

/**
 * Chained block hashes of routing text, without a tokenizer.
 *
 * The text is UTF-8 encoded and cut into 4-byte pseudo-tokens (~4 bytes per pseudo-token,
 * about one BPE token of English text), so one block covers exactly 4 × blockSize bytes.
 * Trailing bytes that do not fill a whole block are ignored. Block i depends only on bytes
 * [0, 4·blockSize·(i+1)), so a prompt that extends another shares all of its full blocks.
 * Deterministic across processes and machines. For repeated use, createRoutingHasher
 * avoids the per-call encode allocation.
 */
export function routingHashes(
  text: string,
  blockSize: number,
  native: NativeAddon = loadNative(),
): BigUint64Array {
  checkText('routingHashes', text);
  checkBlockSize('routingHashes', blockSize);
  let bytes = encoder.encode(text);
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  return native.chainedBlockHashes(pseudoTokens(bytes, bytes.length), blockSize, ROUTING_TEXT_SEED);
}

/**
 * Same hashes as routingHashes, computed natively from the JS string into a reused buffer:
 * no allocation per call. The returned array is a view that the next call overwrites, so a
 * caller that keeps hashes must copy them.
 */
export function createRoutingHasher(
  blockSize: number,
  native: NativeAddon = loadNative(),
): (text: string) => BigUint64Array {
  checkBlockSize('createRoutingHasher', blockSize);
  let scratch = new BigUint64Array(256);
  return (text) => {
    checkText('routing hasher', text);
    let n = native.textBlockHashesInto(text, blockSize, ROUTING_TEXT_SEED, scratch);
    if (n > scratch.length) {
      scratch = new BigUint64Array(Math.max(n, scratch.length * 2));
      n = native.textBlockHashesInto(text, blockSize, ROUTING_TEXT_SEED, scratch);
    }
    return scratch.subarray(0, n);
  };
}
