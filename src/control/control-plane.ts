import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import type { StateBus } from '../state/bus';
import { createWorkerRegistry, type WorkerRegistry } from '../core/registry';
import { WorkerManager } from './worker-manager';
import { handleWorkersCall, type WorkersCall } from './workers-api';
import type { RpcHandler } from '../cluster/rpc';

export interface ControlPlane {
  readonly registry: WorkerRegistry;
  readonly manager: WorkerManager;
  /** Resolves when every --worker-urls engine is registered or has given up. */
  readonly startupDone: Promise<void>;
  /** Answers control-plane calls from ingress processes. */
  readonly handle: RpcHandler;
  close(): void;
}

export type ControlPlaneConfig = Pick<
  GatewayConfig,
  'workerUrls' | 'workerStartupTimeoutSecs' | 'workerStartupCheckInterval'
> & { readonly auth?: { readonly apiKey?: string } };

/**
 * Everything that runs once per instance (in the primary, or the single process): the
 * authoritative registry, registration jobs, and the handler of control-plane calls.
 */
export function startControlPlane(opts: {
  config: ControlPlaneConfig;
  bus: StateBus;
  logger: Logger;
  probeTimeoutMs?: number;
  drainSettleSecs?: number;
}): ControlPlane {
  const { config, logger } = opts;
  const registry = createWorkerRegistry(opts.bus);
  const manager = new WorkerManager({
    registry,
    logger,
    probeTimeoutMs: opts.probeTimeoutMs ?? 5000,
    retryCapMs: config.workerStartupCheckInterval * 1000,
    drainSettleSecs: opts.drainSettleSecs ?? 5,
  });
  const deadlineMs = Date.now() + config.workerStartupTimeoutSecs * 1000;
  const startupDone = Promise.all(
    // SMG: engines given on the command line are called with the gateway's own --api-key
    config.workerUrls.map((url) => {
      const apiKey = config.auth?.apiKey;
      return manager.register({ url, ...(apiKey !== undefined ? { apiKey } : {}) }, { deadlineMs })
        .done;
    }),
  ).then(() => undefined);
  const sweeper = setInterval(() => manager.jobs.sweep(), 60_000).unref();

  const handle: RpcHandler = (op, payload) => {
    if (op === 'workers')
      return Promise.resolve(handleWorkersCall(manager, payload as WorkersCall));
    return Promise.reject(new Error(`unknown control-plane operation '${op}'`));
  };

  return {
    registry,
    manager,
    startupDone,
    handle,
    close() {
      clearInterval(sweeper);
      manager.close();
    },
  };
}
