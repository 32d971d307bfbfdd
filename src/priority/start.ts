import type { GatewayConfig } from '../config/config';
import type { Worker } from '../core/worker';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createSchedulerCore } from './core';
import { capacityReader, priorityPlan } from './plan';
import { SchedulerService } from './service';

const TIMERS = {
  setTimeout: (cb: () => void, ms: number): unknown => setTimeout(cb, ms),
  clearTimeout: (t: unknown): void => clearTimeout(t as NodeJS.Timeout),
};

/**
 * The instance's scheduler (in the primary, or the single process), when the priority
 * scheduler is on; undefined otherwise. Logs SMG's fallback to the legacy limiter.
 */
export function startPriorityService(
  config: Pick<GatewayConfig, 'priority' | 'admission'>,
  workers: () => readonly Worker[],
  clock: Clock,
  logger: Pick<Logger, 'error' | 'info'>,
): { readonly service: SchedulerService; close(): void } | undefined {
  const plan = priorityPlan(config);
  if (plan.kind === 'legacy') {
    logger.error(
      { reason: plan.reason },
      'priority scheduler failed to start; falling back to legacy admission',
    );
  }
  if (plan.kind !== 'priority') return undefined;
  const capacity = capacityReader(config.admission.maxConcurrent, workers, () => clock.monotonic());
  const service = new SchedulerService((onPreempt) =>
    createSchedulerCore({
      settings: plan.settings,
      capacity,
      clock,
      timers: TIMERS,
      onPreempt,
    }),
  );
  // a fleet that grows frees slots for the queues
  let last = capacity();
  const poll = setInterval(() => {
    const now = capacity();
    if (now > last) service.core.poke();
    last = now;
  }, 1000);
  poll.unref();
  logger.info({ capacity: last }, 'priority scheduler enabled');
  return {
    service,
    close() {
      clearInterval(poll);
      service.close();
    },
  };
}
