import { randInt, type Rng } from '../util/rng';

/**
 * Items grouped by a small integer count that only moves by ±1 (manual's min_group: distinct
 * routing keys per worker). increment, decrement and pickMin are O(1): each bucket is an
 * array with swap-removal, and the minimum count can only move by one step per change.
 */
export interface CountBuckets<T> {
  /** Replaces the contents. O(n + max count). */
  build(items: readonly T[], countOf: (item: T) => number): void;
  /** No-op for unknown ids (e.g. a worker that is currently unavailable). */
  increment(id: string): void;
  decrement(id: string): void;
  /** A uniformly random item among those with the lowest count. */
  pickMin(rng: Rng): T | undefined;
  countOf(id: string): number | undefined;
}

interface Slot<T> {
  readonly item: T;
  count: number;
  idx: number;
}

export function createCountBuckets<T>(idOf: (item: T) => string): CountBuckets<T> {
  let buckets: Slot<T>[][] = [];
  let slots = new Map<string, Slot<T>>();
  let min = 0;

  const bucket = (count: number): Slot<T>[] => {
    let b = buckets[count];
    if (!b) {
      b = [];
      buckets[count] = b;
    }
    return b;
  };

  const detach = (slot: Slot<T>): void => {
    const b = bucket(slot.count);
    const last = b.pop() as Slot<T>;
    if (last !== slot) {
      b[slot.idx] = last;
      last.idx = slot.idx;
    }
  };

  const attach = (slot: Slot<T>, count: number): void => {
    const b = bucket(count);
    slot.count = count;
    slot.idx = b.length;
    b.push(slot);
  };

  return {
    build(items, countOf) {
      buckets = [];
      slots = new Map();
      min = Number.POSITIVE_INFINITY;
      for (const item of items) {
        const count = Math.max(0, countOf(item));
        const slot: Slot<T> = { item, count, idx: 0 };
        attach(slot, count);
        slots.set(idOf(item), slot);
        if (count < min) min = count;
      }
      if (slots.size === 0) min = 0;
    },
    increment(id) {
      const slot = slots.get(id);
      if (!slot) return;
      const from = slot.count;
      detach(slot);
      attach(slot, from + 1);
      if (from === min && bucket(from).length === 0) min = from + 1;
    },
    decrement(id) {
      const slot = slots.get(id);
      if (!slot || slot.count === 0) return;
      detach(slot);
      attach(slot, slot.count - 1);
      if (slot.count < min) min = slot.count;
    },
    pickMin(rng) {
      const b = buckets[min];
      if (!b || b.length === 0) return undefined;
      return b[randInt(rng, b.length)]?.item;
    },
    countOf: (id) => slots.get(id)?.count,
  };
}
