import type { Logger } from '../util/logger';
import type { GatewayConfig } from '../config/config';
import type { WorkerRegistry } from './registry';
import { discoverWorker, probeHealth } from './discovery';

export interface ControlPlane {
  /** Resolves when every startup worker is registered or has given up. */
  readonly startupDone: Promise<void>;
  close(): void;
}

type StartupOptions = Pick<
  GatewayConfig,
  'workerUrls' | 'workerStartupTimeoutSecs' | 'workerStartupCheckInterval'
>;

/**
 * Control-plane jobs that run once per instance (in the primary): registration of the
 * --worker-urls engines. A worker is probed (`/health` must answer 2xx), then its model and
 * labels are discovered, then it is registered Ready — SMG §6.2. Unreachable engines are
 * retried with exponential backoff (1 s doubling, capped at --worker-startup-check-interval)
 * until --worker-startup-timeout-secs.
 */
export function startControlPlane(opts: {
  config: StartupOptions;
  registry: WorkerRegistry;
  logger: Logger;
  probeTimeoutMs?: number;
}): ControlPlane {
  const { config, registry, logger } = opts;
  const probeTimeoutMs = opts.probeTimeoutMs ?? 5000;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      timers.add(t);
    });

  async function register(url: string): Promise<void> {
    const deadline = Date.now() + config.workerStartupTimeoutSecs * 1000;
    for (let attempt = 0; !closed; attempt++) {
      if (await probeHealth(url, probeTimeoutMs)) {
        const found = await discoverWorker(url, probeTimeoutMs);
        if (closed) return;
        const id = registry.reserveId(url);
        registry.upsert({
          id,
          url,
          modelId: found.modelId,
          labels: found.labels,
          runtimeType: found.runtimeType,
          priority: 50,
          cost: 1,
          status: 'ready',
        });
        logger.info({ worker: url, id, model: found.modelId }, 'worker registered');
        return;
      }
      const wait = Math.min(1000 * 2 ** attempt, config.workerStartupCheckInterval * 1000);
      if (Date.now() + wait > deadline) {
        logger.error({ worker: url }, 'worker never became reachable; giving up');
        return;
      }
      logger.warn({ worker: url, retryInMs: wait }, 'worker not reachable yet');
      await sleep(wait);
    }
  }

  const startupDone = Promise.all(config.workerUrls.map((u) => register(u))).then(() => undefined);
  return {
    startupDone,
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
