import type { GatewayConfig } from '../config/config';
import type { ControlClient } from '../cluster/control-protocol';
import type { Worker } from '../core/worker';
import type { GatewayMetrics } from '../metrics';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createControlBackend } from './control-backend';
import { createPriorityGate, type PriorityGate, type RpsLimit } from './gate';
import { capacityReader, priorityPlan } from './plan';
import { createRedisBackend } from './redis-backend';

/**
 * SMG keeps the legacy token bucket as a pure per-second check when
 * --rate-limit-tokens-per-second > 0 is set with --max-concurrent-requests > 0 (bucket of
 * that size). collie checks it in each ingress process with its share of both numbers.
 */
function rpsLimit(config: Pick<GatewayConfig, 'admission' | 'ingressProcesses'>) {
  const { maxConcurrent, refillPerSec } = config.admission;
  if (maxConcurrent <= 0 || refillPerSec === undefined || refillPerSec <= 0) return undefined;
  const n = config.ingressProcesses;
  const limit: RpsLimit = {
    burst: Math.max(1, Math.floor(maxConcurrent / n)),
    perSecond: refillPerSec / n,
  };
  return limit;
}

/** This ingress process's side of the priority scheduler, when it runs. */
export function startPriorityGate(o: {
  readonly config: GatewayConfig;
  readonly control: ControlClient;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The fleet this process routes to (the capacity without --max-concurrent-requests). */
  readonly workers: () => readonly Worker[];
}): PriorityGate | undefined {
  const { config, logger } = o;
  const plan = priorityPlan(config);
  if (plan.kind !== 'priority') return undefined;
  const backend =
    config.redisUrl === undefined
      ? createControlBackend(o.control, plan.settings, logger)
      : createRedisBackend({
          url: config.redisUrl,
          owner: `${config.instanceId}.${process.pid}`,
          settings: plan.settings,
          capacity: capacityReader(config.admission.maxConcurrent, o.workers, () =>
            o.clock.monotonic(),
          ),
          logger,
        });
  const rps = rpsLimit(config);
  return createPriorityGate({
    settings: plan.settings,
    backend,
    metrics: o.metrics.scheduler(),
    now: () => o.clock.monotonic(),
    ...(rps ? { rps } : {}),
  });
}
