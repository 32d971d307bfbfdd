import { createLoadIndex } from './load-index';
import { createSetTracker } from './set-tracker';
import type { Policy, PolicyDeps } from './types';

/**
 * Argmin of cluster-wide in-flight requests over the available workers. The loads live in an
 * indexed min-heap: onLoadChanged re-keys one worker in O(log W), select reads the top in
 * O(1), and a set change (eager via onWorkersChanged, or detected from `set.version`) rebuilds
 * it in O(W). Ties go to the earlier worker in `set.available`.
 */
export function createLeastLoadPolicy(deps: PolicyDeps): Policy {
  const index = createLoadIndex(deps.loads);
  const tracker = createSetTracker((set) => index.rebuild(set));
  return {
    name: 'least_load',
    select(set) {
      if (set.available.length === 0) return undefined;
      tracker.ensure(set);
      return index.min();
    },
    onWorkersChanged: (set) => tracker.rebuild(set),
    onLoadChanged: (workerId, load) => index.update(workerId, load),
  };
}
