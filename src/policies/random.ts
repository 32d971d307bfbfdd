import { randInt } from '../util/rng';
import type { Policy, PolicyDeps } from './types';

/** Uniform over the available workers. */
export function createRandomPolicy(deps: PolicyDeps): Policy {
  return {
    name: 'random',
    select(set) {
      const n = set.available.length;
      return n === 0 ? undefined : set.available[randInt(deps.rng, n)];
    },
  };
}
