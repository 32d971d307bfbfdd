import { randInt } from '../util/rng';
import type { Policy, PolicyDeps } from './types';

/**
 * Two distinct random available workers; the one with fewer cluster-wide in-flight requests
 * wins, ties go to the first pick. Unlike SMG over HTTP, loads are always maintained here, so
 * this is genuinely load-aware rather than random.
 */
export function createPowerOfTwoPolicy(deps: PolicyDeps): Policy {
  return {
    name: 'power_of_two',
    select(set) {
      const { available } = set;
      const n = available.length;
      if (n <= 1) return available[0];
      const i = randInt(deps.rng, n);
      let j = randInt(deps.rng, n - 1);
      if (j >= i) j += 1; // distinct from i, still uniform
      const first = available[i];
      const second = available[j];
      if (!first || !second) return first ?? second;
      // SMG: engine KV usage when both have a polled value, else in-flight requests
      const u1 = deps.loads.engineUsage?.(first.id);
      const u2 = deps.loads.engineUsage?.(second.id);
      // requests queued in collie for a connection are load the engine's figure misses
      const queued =
        (deps.loads.waiting?.(first.url) ?? 0) + (deps.loads.waiting?.(second.url) ?? 0);
      if (u1 !== undefined && u2 !== undefined && queued === 0) return u2 < u1 ? second : first;
      return deps.loads.get(second.id) < deps.loads.get(first.id) ? second : first;
    },
  };
}
