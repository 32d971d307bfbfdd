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

  function evictOverflow(): void {
    if (blocks.size <= capacityBlocks) return;
    const it = blocks.values();
    while (blocks.size > capacityBlocks) {
      const next = it.next();
      if (next.done === true) break;
      blocks.delete(next.value);
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
      for (let i = Math.min(hashes.length, capacityBlocks) - 1; i >= 0; i--) {
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
    },
    cachedTokens() {
      return blocks.size * blockSize;
    },
  };
}
