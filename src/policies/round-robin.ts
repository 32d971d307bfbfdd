import type { Policy } from './types';

/**
 * One counter, taken modulo the current available count (as SMG does), so the rotation
 * shifts when availability changes but every pick is O(1).
 */
export function createRoundRobinPolicy(): Policy {
  let counter = 0;
  return {
    name: 'round_robin',
    select(set) {
      const n = set.available.length;
      if (n === 0) return undefined;
      const worker = set.available[counter % n];
      // Wrap well before 2^53 so the counter stays an exact integer forever.
      counter = counter >= Number.MAX_SAFE_INTEGER - 1 ? 0 : counter + 1;
      return worker;
    },
  };
}
