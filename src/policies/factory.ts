import { createBucketPolicy, DEFAULT_BUCKET } from './bucket';
import { createPrefixHashPolicy, DEFAULT_PREFIX_HASH } from './prefix-hash';
import { createCacheAwarePolicy } from './cache-aware';
import { createConsistentHashingPolicy } from './consistent-hashing';
import { createLeastLoadPolicy } from './least-load';
import { createManualPolicy } from './manual';
import { createPassthroughPolicy } from './passthrough';
import { createPowerOfTwoPolicy } from './power-of-two';
import { createRandomPolicy } from './random';
import { createRoundRobinPolicy } from './round-robin';
import type { PolicyFactory } from './types';

/**
 * Policies whose picks read the gateway's in-flight loads (every process's, shared over the
 * state bus). The others route without them; for those, load reports only feed the
 * dashboard, metrics and the rare fallback pick, and can travel less often.
 */
export const LOAD_READING_POLICIES: ReadonlySet<string> = new Set([
  'cache_aware',
  'power_of_two',
  'least_load',
  'prefix_hash',
  'manual',
]);

/** One policy instance per model; `opts` matter only to manual. */
export const createPolicy: PolicyFactory = (name, deps, opts) => {
  switch (name) {
    case 'cache_aware':
      return createCacheAwarePolicy(deps, opts.cacheAware);
    case 'random':
      return createRandomPolicy(deps);
    case 'round_robin':
      return createRoundRobinPolicy();
    case 'power_of_two':
      return createPowerOfTwoPolicy(deps);
    case 'least_load':
      return createLeastLoadPolicy(deps);
    case 'consistent_hashing':
      return createConsistentHashingPolicy(deps);
    case 'manual':
      return createManualPolicy(deps, opts);
    case 'passthrough':
      return createPassthroughPolicy();
    case 'bucket':
      return createBucketPolicy(deps, {
        ...DEFAULT_BUCKET,
        ...(opts.cacheAware
          ? {
              balanceAbsThreshold: opts.cacheAware.balanceAbsThreshold,
              balanceRelThreshold: opts.cacheAware.balanceRelThreshold,
            }
          : {}),
      });
    case 'prefix_hash':
      return createPrefixHashPolicy(deps, opts.prefixHash ?? DEFAULT_PREFIX_HASH);
  }
};
