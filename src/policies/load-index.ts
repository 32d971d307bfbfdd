import type { Worker, WorkerSet } from '../core/worker';
import { createIndexedHeap } from './indexed-heap';
import type { LoadView } from './types';

/**
 * The available workers of one set in a min-heap keyed by cluster-wide in-flight count.
 * Shared by least_load and manual's min_load mode. Ties go to the earlier worker in
 * `set.available` order.
 */
export interface LoadIndex {
  /** Rebuilds from `set.available`, reading every load from the LoadView. O(W). */
  rebuild(set: WorkerSet): void;
  /** Applies a load change; unknown (or currently unavailable) workers are ignored. O(log W). */
  update(workerId: string, load: number): void;
  /** The least-loaded available worker. O(1). */
  min(): Worker | undefined;
}

/** A load that is not a finite number must not corrupt heap order; treat it as idle. */
function sanitize(load: number): number {
  return Number.isFinite(load) ? load : 0;
}

export function createLoadIndex(loads: LoadView): LoadIndex {
  const heap = createIndexedHeap<Worker>((w) => w.id);
  return {
    rebuild(set) {
      heap.build(set.available, (w) => sanitize(loads.get(w.id)));
    },
    update(workerId, load) {
      heap.update(workerId, sanitize(load));
    },
    min: () => heap.peek(),
  };
}
