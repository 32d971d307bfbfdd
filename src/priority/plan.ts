import type { GatewayConfig } from '../config/config';
import type { Worker } from '../core/worker';
import type { PrioritySettings } from './settings';
import { infeasibility, schedulerCapacity } from './slots';

export type PriorityPlan =
  | { readonly kind: 'off' }
  | { readonly kind: 'priority'; readonly settings: PrioritySettings }
  /** SMG: reservations that exceed the capacity at startup keep the legacy limiter. */
  | { readonly kind: 'legacy'; readonly reason: string };

/**
 * Which admission the protected routes use. Decided from the configuration alone (the
 * capacity at startup: --max-concurrent-requests when > 0, else SMG's 1024 for a fleet not
 * yet ready), so the primary and every ingress process agree.
 */
export function priorityPlan(config: Pick<GatewayConfig, 'priority' | 'admission'>): PriorityPlan {
  const settings = config.priority;
  if (!settings) return { kind: 'off' };
  const why = infeasibility(settings, schedulerCapacity(config.admission.maxConcurrent, []));
  return why ? { kind: 'legacy', reason: why } : { kind: 'priority', settings };
}

/**
 * The scheduler's capacity, recomputed at most every `ttlMs` from the workers (constant
 * when --max-concurrent-requests pins it).
 */
export function capacityReader(
  pinned: number,
  workers: () => readonly Worker[],
  now: () => number,
  ttlMs = 1000,
): () => number {
  if (pinned > 0) return () => pinned;
  let value = schedulerCapacity(0, workers());
  let at = now();
  return () => {
    const t = now();
    if (t - at >= ttlMs) {
      value = schedulerCapacity(0, workers());
      at = t;
    }
    return value;
  };
}
