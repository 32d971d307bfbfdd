import { loadNative } from '../native';

/** Chained block hashing: hash i covers tokens [0, (i+1)·blockSize). Only full blocks. */
export type BlockHasher = (tokens: Uint32Array, blockSize: number) => BigUint64Array;

export interface PrefixKvCacheOptions {
  /** Tokens per block (≥ 1). */
  blockSize: number;
  /** Capacity in tokens; floor(capacity / blockSize) blocks are kept. */
  capacityTokens: number;
  /** Defaults to the native addon's `chainedBlockHashes`. */
  hasher?: BlockHasher;
  /** Told of every change to the cached block set (the KV-event publisher). */
  observer?: KvCacheObserver;
}

/** Cache changes as an engine publishes them (see kv-events-publisher.ts). */
export interface KvCacheObserver {
  /** New blocks `hashes` (chained after `parent`, null at the root) of `tokens`. */
  stored(hashes: BigUint64Array, parent: bigint | null, tokens: Uint32Array): void;
  removed(hashes: readonly bigint[]): void;
  cleared(): void;
}

/**
 * Prefix KV-cache simulation: an LRU of chained block hashes, O(blocks) per request.
 *
 * Because each block hash covers the whole prefix before it, the cached part of a prompt is
 * the longest run of leading blocks present in the set. Blocks of a prompt are touched from
 * the last to the first so that the first block is the most recently used: eviction then
 * removes tails before heads (as vLLM and SGLang do), instead of orphaning a still-cached
 * tail whose prefix is gone.
 */
export interface PrefixKvCache {
  /** Looks up the cached prefix of `tokens`, then caches all its full blocks. Returns cached tokens. */
  matchAndInsert(tokens: Uint32Array): number;
  /** Cached prefix length without changing the cache. */
  peek(tokens: Uint32Array): number;
  /** Drops every block. */
  flush(): void;
  /** Evicts up to `n` least recently used blocks (memory pressure); returns how many. */
  evict(n: number): number;
  /** Tokens currently cached (blocks × blockSize). */
  cachedTokens(): number;
  readonly blockSize: number;
  readonly capacityBlocks: number;
}

export function createPrefixKvCache(opts: PrefixKvCacheOptions): PrefixKvCache {
  const { blockSize } = opts;
  const hasher: BlockHasher = opts.hasher ?? ((t, bs) => loadNative().chainedBlockHashes(t, bs));
  const capacityBlocks = Math.floor(opts.capacityTokens / blockSize);
  // Insertion order is recency order: the first element is the least recently used.
  const blocks = new Set<bigint>();

  function leadingMatches(hashes: BigUint64Array): number {
    let matched = 0;
    while (matched < hashes.length && blocks.has(hashes[matched] as bigint)) matched++;
    return matched;
  }

  function evictOldest(n: number): number {
    const it = blocks.values();
    const gone: bigint[] = [];
    while (gone.length < n) {
      const next = it.next();
      if (next.done === true) break;
      blocks.delete(next.value);
      gone.push(next.value);
    }
    if (gone.length > 0) opts.observer?.removed(gone);
    return gone.length;
  }

  function evictOverflow(): void {
    if (blocks.size > capacityBlocks) evictOldest(blocks.size - capacityBlocks);
  }

  /** Tells the observer of the blocks of `hashes[0..n)` not cached before, in runs. */
  function reportStored(hashes: BigUint64Array, n: number, tokens: Uint32Array): void {
    const obs = opts.observer;
    if (!obs) return;
    let i = 0;
    while (i < n) {
      if (blocks.has(hashes[i] as bigint)) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && !blocks.has(hashes[i] as bigint)) i++;
      const parent = start === 0 ? null : (hashes[start - 1] as bigint);
      obs.stored(hashes.slice(start, i), parent, tokens.slice(start * blockSize, i * blockSize));
    }
  }

  return {
    blockSize,
    capacityBlocks,
    matchAndInsert(tokens) {
      if (tokens.length < blockSize) return 0;
      const hashes = hasher(tokens, blockSize);
      const matched = leadingMatches(hashes);
      // Blocks past capacity could never all fit; keep the head of the prompt.
      const kept = Math.min(hashes.length, capacityBlocks);
      reportStored(hashes, kept, tokens);
      for (let i = kept - 1; i >= 0; i--) {
        const h = hashes[i] as bigint;
        blocks.delete(h);
        blocks.add(h);
      }
      evictOverflow();
      return matched * blockSize;
    },
    peek(tokens) {
      if (tokens.length < blockSize) return 0;
      return leadingMatches(hasher(tokens, blockSize)) * blockSize;
    },
    flush() {
      blocks.clear();
      opts.observer?.cleared();
    },
    evict: (n) => evictOldest(n),
    cachedTokens() {
      return blocks.size * blockSize;
    },
  };
}
