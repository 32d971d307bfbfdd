import type { GatewayConfig } from '../config/config';
import type { StateBus } from '../state/bus';
import type { Logger } from '../util/logger';
import { createRedisBus } from '../state/redis-bus';
import { createSplitBus } from '../state/split-bus';

/**
 * An ingress process's state bus: the local one alone, or — with --redis-url — split so that
 * routing events are shared with every instance through Redis. Redis being down never blocks
 * routing: the local replica keeps serving and the bus resyncs when Redis is back.
 */
export async function ingressBus(
  config: GatewayConfig,
  local: StateBus,
  logger: Logger,
): Promise<{ bus: StateBus; close(): Promise<void> }> {
  if (config.redisUrl === undefined) return { bus: local, close: () => Promise.resolve() };
  const shared = await createRedisBus({
    url: config.redisUrl,
    id: `${config.instanceId}:${local.id}`,
    logger,
    onHealthChange: (state, health) => {
      if (state === 'degraded')
        logger.warn({ health }, 'redis unreachable: routing on the local replica');
      else logger.info({ health }, 'redis reachable again: shared routing state resynced');
    },
  });
  return { bus: createSplitBus(local, shared), close: () => shared.shutdown() };
}
