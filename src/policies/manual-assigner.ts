import type { Worker, WorkerSet } from '../core/worker';
import { randInt } from '../util/rng';
import { createCountBuckets } from './count-buckets';
import { createLoadIndex } from './load-index';
import type { AssignmentMode, PolicyDeps } from './types';

/**
 * How manual picks a worker for a new (or failed-over) routing key. Each mode keeps only the
 * structure it needs, so every pick is O(1) or O(log W).
 */
export interface Assigner {
  /** Rebuilds per-set state; `groupOf` gives the current distinct-key count of a worker. */
  rebuild(set: WorkerSet, groupOf: (workerId: string) => number): void;
  pick(set: WorkerSet): Worker | undefined;
  onLoadChanged(workerId: string, load: number): void;
  /** A worker gained (+1) or lost (-1) one routing key. */
  onGroupChanged(workerId: string, delta: 1 | -1): void;
}

const noop = (): void => undefined;

export function createAssigner(deps: PolicyDeps, mode: AssignmentMode): Assigner {
  switch (mode) {
    case 'random':
      return {
        rebuild: noop,
        pick: (set) => set.available[randInt(deps.rng, set.available.length)],
        onLoadChanged: noop,
        onGroupChanged: noop,
      };
    case 'min_load': {
      const index = createLoadIndex(deps.loads);
      return {
        rebuild: (set) => index.rebuild(set),
        pick: () => index.min(),
        onLoadChanged: (id, load) => index.update(id, load),
        onGroupChanged: noop,
      };
    }
    case 'min_group': {
      const buckets = createCountBuckets<Worker>((w) => w.id);
      return {
        rebuild: (set, groupOf) => buckets.build(set.available, (w) => groupOf(w.id)),
        pick: () => buckets.pickMin(deps.rng),
        onLoadChanged: noop,
        onGroupChanged: (id, delta) => (delta > 0 ? buckets.increment(id) : buckets.decrement(id)),
      };
    }
  }
}
