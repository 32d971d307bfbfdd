import type { PrefixWorkerMatch } from '../../../src/routing/prefix-index';

/**
 * Reference model of the prefix index for randomized tests: per worker, a Map whose
 * insertion order is the LRU order (oldest first). Quadratic and obviously correct.
 */
export interface BruteIndex {
  insert(model: string, worker: string, hashes: BigUint64Array): void;
  setCapacity(worker: string, blocks: number): void;
  removeWorker(worker: string): boolean;
  clear(model?: string): void;
  /** Sorted by blocks desc, then worker id asc. */
  match(model: string, hashes: BigUint64Array): PrefixWorkerMatch[];
  stats(): { blocks: number; holders: number; held: Map<string, number> };
}

const keyOf = (model: string, hash: bigint): string => `${model}\u0000${hash}`;

export function createBruteIndex(): BruteIndex {
  const lru = new Map<string, Map<string, true>>();
  const capacity = new Map<string, number>();
  const known = new Set<string>();

  const held = (worker: string): Map<string, true> => {
    let m = lru.get(worker);
    if (!m) lru.set(worker, (m = new Map<string, true>()));
    return m;
  };
  const evict = (worker: string): void => {
    const m = held(worker);
    const cap = capacity.get(worker) ?? Infinity;
    for (const key of m.keys()) {
      if (m.size <= cap) break;
      m.delete(key);
    }
  };

  return {
    insert(model, worker, hashes) {
      known.add(worker);
      const m = held(worker);
      // Deepest block first, so the prefix head ends up most recent (as in the core).
      for (let i = hashes.length - 1; i >= 0; i--) {
        const key = keyOf(model, hashes[i] ?? 0n);
        m.delete(key);
        m.set(key, true);
      }
      evict(worker);
    },
    setCapacity(worker, blocks) {
      known.add(worker);
      capacity.set(worker, blocks);
      evict(worker);
    },
    removeWorker(worker) {
      const had = known.delete(worker);
      lru.delete(worker);
      capacity.delete(worker);
      return had;
    },
    clear(model) {
      for (const m of lru.values()) {
        for (const key of [...m.keys()]) {
          if (model === undefined || key.startsWith(`${model}\u0000`)) m.delete(key);
        }
      }
    },
    match(model, hashes) {
      const out: PrefixWorkerMatch[] = [];
      for (const [worker, m] of lru) {
        let blocks = 0;
        hashes.forEach((h, i) => {
          if (m.has(keyOf(model, h))) blocks = i + 1;
        });
        if (blocks > 0) out.push({ workerId: worker, blocks });
      }
      return out.sort((x, y) => y.blocks - x.blocks || (x.workerId < y.workerId ? -1 : 1));
    },
    stats() {
      const distinct = new Set<string>();
      const perWorker = new Map<string, number>();
      let holders = 0;
      for (const [worker, m] of lru) {
        holders += m.size;
        if (m.size > 0) perWorker.set(worker, m.size);
        for (const key of m.keys()) distinct.add(key);
      }
      return { blocks: distinct.size, holders, held: perWorker };
    },
  };
}
