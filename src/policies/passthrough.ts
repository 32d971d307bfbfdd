import type { Policy } from './types';

/**
 * The first available worker, for single-engine deployments. SMG also logs a one-time
 * warning when more than one worker is present; that belongs to whoever owns a logger.
 */
export function createPassthroughPolicy(): Policy {
  return {
    name: 'passthrough',
    select: (set) => set.available[0],
  };
}
