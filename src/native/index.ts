import path from 'node:path';
import type { NativeTokenizerAddon } from './tokenizer-addon';

/** Result of PrefixIndex.match: workers with a match > 0, sorted by length desc, then id asc. */
export interface NativePrefixMatch {
  /** Blocks in the query (hashes.length). */
  readonly total: number;
  /** Worker slot ids, parallel to `lengths`. */
  readonly workers: Uint32Array;
  /** Matched prefix length in blocks (deepest held block + 1). */
  readonly lengths: Uint32Array;
}

export interface NativePrefixWorkerStats {
  readonly worker: number;
  /** Holder entries charged to the worker, across all models. */
  readonly blocks: number;
  /** Capacity in blocks; Infinity when unset. */
  readonly capacity: number;
}

export interface NativePrefixIndexStats {
  readonly models: number;
  /** Distinct (model, block hash) entries. */
  readonly blocks: number;
  /** (model, block, worker) holder entries. */
  readonly holders: number;
  /** Approximate native heap footprint in bytes. */
  readonly bytes: number;
  /** Workers that hold blocks or have a capacity, by slot id. */
  readonly workers: readonly NativePrefixWorkerStats[];
}

/**
 * Native prefix index (native/core/prefix_index.h). Worker ids are slot numbers in
 * [0, 65535]; argument errors throw TypeError. Not shared between threads.
 */
export interface NativePrefixIndex {
  match(model: string, hashes: BigUint64Array): NativePrefixMatch;
  /**
   * Allocation-free match: writes up to out.length / 2 (worker, length) pairs into `out`, in
   * match() order, and returns the number of matching workers (call again with a larger
   * `out` if it exceeds out.length / 2).
   */
  matchInto(model: string, hashes: BigUint64Array, out: Uint32Array, limit?: number): number;
  /** Records the worker as holder of every block; `tick` is an integer in [0, 2^53). */
  insert(model: string, worker: number, hashes: BigUint64Array, tick: number): void;
  /** Capacity in blocks (Infinity = unlimited, the default); evicts LRU blocks at once. */
  setCapacity(worker: number, blocks: number): void;
  /** Drops every block the worker holds in every model and resets its capacity. */
  removeWorker(worker: number): void;
  /** Drops all blocks (or one model's); capacities are kept. */
  clear(model?: string): void;
  stats(): NativePrefixIndexStats;
  /** How lookupText cuts text: blocks of 4·blockSize UTF-8 bytes chained from `seed`. */
  configureText(blockSize: number, seed: bigint): void;
  /**
   * Hashes `text` and matches it in one call, keeping the hashes for insertLast. Writes
   * out[0] = the text's blocks, out[1] = the returned count of matching workers (at most
   * `limit`), then (worker, length) pairs in match() order, as many as fit.
   */
  lookupText(model: string, text: string, out: Uint32Array, limit?: number): number;
  /**
   * Records `worker` as holder of the last lookupText/matchInto query's blocks (as insert);
   * with `publish`, queues those hashes for takePending. Returns the number of blocks.
   */
  insertLast(model: string, worker: number, tick: number, publish: boolean): number;
  /** The hashes queued by insertLast since the last call (little-endian uint64 bytes). */
  takePending(): Buffer;
}

/** The C++ addon's surface (native/binding/addon.cc). */
export interface NativeAddon extends NativeTokenizerAddon {
  hash64(data: string | Uint8Array, seed?: bigint): bigint;
  chainedBlockHashes(tokens: Uint32Array, blockSize: number, seed?: bigint): BigUint64Array;
  /**
   * Chained hashes of the text's UTF-8 bytes in blocks of 4·blockSize bytes (= chainedBlockHashes
   * over the bytes as 4-byte pseudo-tokens), written into `out` (at most out.length of them).
   * Returns how many hashes the text has.
   */
  textBlockHashesInto(text: string, blockSize: number, seed: bigint, out: BigUint64Array): number;
  readonly PrefixIndex: new () => NativePrefixIndex;
  /**
   * Debug surface of the tokenizer's regex engine (native/tokenizer/regex.h): [start, end)
   * pairs of successive matches as UTF-16 offsets. TypeError on bad arguments; Error with the
   * compile message for a pattern outside the supported Oniguruma subset.
   */
  tokenizerRegexFindAll(pattern: string, text: string): Uint32Array;
}

let cached: NativeAddon | undefined;

/** Absolute path of build/Release/collie_native.node. */
export const nativeAddonPath = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'build',
  'Release',
  'collie_native.node',
);

/** Loads build/Release/collie_native.node (built by `npm ci` through scripts/build-native.js). */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  cached = require(nativeAddonPath) as NativeAddon; // eslint-disable-line @typescript-eslint/no-require-imports
  return cached;
}
