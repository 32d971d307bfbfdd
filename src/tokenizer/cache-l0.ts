/**
 * L0: exact-match cache, (text, addSpecialTokens) → ids. Bounded by entries (SMG's
 * --tokenizer-cache-l0-max-entries) and by bytes (texts can be long: 10 000 entries of a
 * 100 kB prompt would be 2 GB). Eviction is LRU: a hit moves the entry to the back of its
 * map's insertion order, and the front entry of the two maps with the older tick goes first.
 */
export interface L0CacheOptions {
  /** Entry bound (default 10 000). */
  readonly maxEntries: number;
  /** Byte bound over texts (UTF-16), ids and per-entry overhead (default 256 MiB). */
  readonly maxBytes?: number;
}

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface Entry {
  readonly ids: Uint32Array;
  readonly bytes: number;
  tick: number;
}

/** Approximate bookkeeping per entry: Map slot, entry object, typed-array header. */
const ENTRY_OVERHEAD = 128;

export const DEFAULT_L0_MAX_BYTES = 256 * 1024 * 1024;

export function l0EntryBytes(text: string, ids: Uint32Array): number {
  return text.length * 2 + ids.byteLength + ENTRY_OVERHEAD;
}

export class ExactCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** [add = false, add = true]: two maps so a lookup never builds a combined key. */
  private readonly maps: [Map<string, Entry>, Map<string, Entry>] = [
    new Map<string, Entry>(),
    new Map<string, Entry>(),
  ];
  private tick = 0;
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(opts: L0CacheOptions) {
    if (!Number.isInteger(opts.maxEntries) || opts.maxEntries < 0) {
      throw new RangeError(`L0 maxEntries must be an integer >= 0, got ${opts.maxEntries}`);
    }
    this.maxEntries = opts.maxEntries;
    this.maxBytes = opts.maxBytes ?? DEFAULT_L0_MAX_BYTES;
  }

  /** The cached ids (shared: callers must copy before handing them out). */
  get(text: string, add: boolean): Uint32Array | undefined {
    const map = this.maps[add ? 1 : 0];
    const e = map.get(text);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    e.tick = ++this.tick;
    map.delete(text);
    map.set(text, e);
    return e.ids;
  }

  /** Stores `ids` (kept as is: pass a copy the caller will not mutate). */
  set(text: string, add: boolean, ids: Uint32Array): void {
    const bytes = l0EntryBytes(text, ids);
    if (this.maxEntries === 0 || bytes > this.maxBytes) return;
    const map = this.maps[add ? 1 : 0];
    const prev = map.get(text);
    if (prev) {
      map.delete(text);
      this.bytes -= prev.bytes;
    }
    map.set(text, { ids, bytes, tick: ++this.tick });
    this.bytes += bytes;
    while (this.size > this.maxEntries || this.bytes > this.maxBytes) this.evictOne();
  }

  get size(): number {
    return this.maps[0].size + this.maps[1].size;
  }

  stats(): CacheStats {
    return {
      entries: this.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  clear(): void {
    this.maps[0].clear();
    this.maps[1].clear();
    this.bytes = 0;
  }

  private evictOne(): void {
    const a = oldest(this.maps[0]);
    const b = oldest(this.maps[1]);
    const pick = !b || (a && a[1].tick <= b[1].tick) ? 0 : 1;
    const victim = pick === 0 ? a : b;
    if (!victim) return;
    this.maps[pick].delete(victim[0]);
    this.bytes -= victim[1].bytes;
    this.evictions++;
  }
}

function oldest(map: Map<string, Entry>): [string, Entry] | undefined {
  const it = map.entries().next();
  return it.done ? undefined : it.value;
}
