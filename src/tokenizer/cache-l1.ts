import type { CacheStats } from './cache-l0';

/**
 * L1: prefix cache, (addSpecialTokens, text up to a special-token boundary) → the ids of
 * that prefix. Keys are digests computed by the caller. The ids of the boundaries seeded
 * from one encoding share one buffer (a 100-turn conversation does not store 100 copies of
 * its history); memory is accounted per distinct buffer plus a per-entry overhead, exactly,
 * and kept under `maxBytes` by LRU eviction.
 */
export interface L1CacheOptions {
  /** Memory budget, bytes (SMG's --tokenizer-cache-l1-max-memory, default 50 MiB). */
  readonly maxBytes: number;
}

interface SharedIds {
  readonly ids: Uint32Array;
  refs: number;
}

interface Entry {
  readonly shared: SharedIds;
  readonly len: number;
}

/** Map slot + entry object + a 44-character base64 key. */
export const L1_ENTRY_OVERHEAD = 160;

export class PrefixCache {
  readonly maxBytes: number;
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(opts: L1CacheOptions) {
    if (!Number.isInteger(opts.maxBytes) || opts.maxBytes < 0) {
      throw new RangeError(`L1 maxBytes must be an integer >= 0, got ${opts.maxBytes}`);
    }
    this.maxBytes = opts.maxBytes;
  }

  /** Whether `key` is cached, without touching recency or the hit counters. */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The prefix ids for `key` as a view into a shared buffer (copy before handing out). */
  get(key: string): Uint32Array | undefined {
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, e);
    return e.shared.ids.subarray(0, e.len);
  }

  /** Counts a lookup that found no boundary at all (a miss without a key). */
  countMiss(): void {
    this.misses++;
  }

  /**
   * Stores one entry per (key, len): the first `len` ids of `ids`. `ids` is kept (pass a
   * buffer nobody mutates); entries that cannot fit the budget at all are dropped.
   */
  insert(
    ids: Uint32Array,
    entries: ReadonlyArray<{ readonly key: string; readonly len: number }>,
  ): void {
    const room = this.maxBytes - entries.length * L1_ENTRY_OVERHEAD;
    const fitting = entries.filter((e) => e.len * 4 <= room && e.len <= ids.length);
    if (fitting.length === 0) return;
    const maxLen = fitting.reduce((m, e) => Math.max(m, e.len), 0);
    const shared: SharedIds = {
      ids: maxLen === ids.length ? ids : ids.slice(0, maxLen),
      refs: 0,
    };
    this.bytes += shared.ids.byteLength;
    for (const { key, len } of fitting) {
      const prev = this.map.get(key);
      if (prev) this.drop(key, prev);
      this.map.set(key, { shared, len });
      shared.refs++;
      this.bytes += L1_ENTRY_OVERHEAD;
    }
    this.evictToBudget();
  }

  get size(): number {
    return this.map.size;
  }

  stats(): CacheStats {
    return {
      entries: this.map.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  private evictToBudget(): void {
    while (this.bytes > this.maxBytes) {
      const it = this.map.entries().next();
      if (it.done) {
        this.bytes = 0;
        return;
      }
      this.drop(it.value[0], it.value[1]);
      this.evictions++;
    }
  }

  private drop(key: string, e: Entry): void {
    this.map.delete(key);
    this.bytes -= L1_ENTRY_OVERHEAD;
    if (--e.shared.refs === 0) this.bytes -= e.shared.ids.byteLength;
  }
}
