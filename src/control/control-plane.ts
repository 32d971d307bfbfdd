import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import type { StateBus } from '../state/bus';
import { createWorkerRegistry, type WorkerRegistry } from '../core/registry';
import { WorkerManager } from './worker-manager';
import { handleWorkersCall } from './workers-api';
import {
  createControlServer,
  type ControlHandlers,
  type ControlServer,
} from '../cluster/control-protocol';
import { syncHandler } from '../cluster/replicated';
import type { GatewayMetrics } from '../metrics';
import { systemClock, type Clock } from '../util/clock';
import { HealthChecker } from './health-checker';
import { CircuitBreakers } from './circuit-breakers';
import { AdmissionService } from './admission-service';
import { startLoadMonitor } from './load-monitor';
import { createEngineClients } from '../dispatch/engine-client';
import { TokenizerRegistry, validateTokenizerFile } from './tokenizer-registry';
import { handleTokenizersCall } from './tokenizers-api';
import { startKvEvents, type KvEventsManager } from '../kv-events/manager';

export interface ControlPlane {
  readonly registry: WorkerRegistry;
  readonly manager: WorkerManager;
  readonly tokenizers: TokenizerRegistry;
  /**
   * Resolves when every --worker-urls engine is registered or has given up, and the
   * startup tokenizer (--tokenizer-path / --model-path) is registered or failed.
   */
  readonly startupDone: Promise<void>;
  /** Answers control-plane calls from ingress processes (payloads checked per op). */
  readonly handle: ControlServer;
  /** An ingress process went away (its admission tokens return). */
  peerGone(peer: string): void;
  close(): void;
}

export type ControlPlaneConfig = Pick<
  GatewayConfig,
  | 'workerUrls'
  | 'workerStartupTimeoutSecs'
  | 'workerStartupCheckInterval'
  | 'auth'
  | 'health'
  | 'circuitBreaker'
  | 'admission'
  | 'policy'
  | 'loadMonitorInterval'
  | 'tokenizer'
  | 'kvEvents'
>;

/**
 * Everything that runs once per instance (in the primary, or the single process): the
 * authoritative registry, registration jobs, and the handler of control-plane calls.
 */
export function startControlPlane(opts: {
  config: ControlPlaneConfig;
  bus: StateBus;
  logger: Logger;
  metrics: GatewayMetrics;
  clock?: Clock;
}): ControlPlane {
  const { config, logger, metrics } = opts;
  const clock = opts.clock ?? systemClock;
  const registry = createWorkerRegistry(opts.bus);
  // the primary's own clients: discovery, health probes, load polls
  const engines = createEngineClients();
  let health: HealthChecker | undefined = undefined;
  let breakers: CircuitBreakers | undefined = undefined;
  let kvEvents: KvEventsManager | undefined = undefined;
  const manager = new WorkerManager({
    registry,
    engines,
    logger,
    probeTimeoutMs: config.health.timeoutSecs * 1000,
    retryCapMs: config.workerStartupCheckInterval * 1000,
    drainSettleSecs: config.health.drainSettleSecs,
    onWorkerAdded: (w) => {
      breakers?.track(w);
      health?.track(w);
      kvEvents?.sync();
      metrics.workerPoolSize(
        w.modelId,
        registry.list().filter((x) => x.modelId === w.modelId).length,
      );
    },
    onWorkerRemoved: (w) => {
      health?.untrack(w.id);
      breakers?.untrack(w.id);
      kvEvents?.sync();
      metrics.removeWorker(w.url);
      metrics.workerPoolSize(
        w.modelId,
        registry.list().filter((x) => x.modelId === w.modelId).length,
      );
    },
  });
  health = new HealthChecker(config.health, manager, metrics, logger);
  // exact cache-aware routing: one subscriber per engine per instance, here (never per process)
  if (config.policy === 'cache_aware' && !config.kvEvents.disabled) {
    kvEvents = startKvEvents({
      bus: opts.bus,
      templates: config.kvEvents,
      list: () => registry.list(),
      logger,
      metrics: metrics.kvEvents,
    });
  }
  const admission = new AdmissionService(config.admission, clock, metrics);
  const stopLoadMonitor =
    config.policy === 'power_of_two' || config.policy === 'least_load'
      ? startLoadMonitor(opts.bus, registry, config.loadMonitorInterval, engines)
      : () => undefined;
  breakers = new CircuitBreakers(config.circuitBreaker, manager, metrics, clock, logger);
  const tokenizers = new TokenizerRegistry({
    hubDownload: config.tokenizer.hubDownload,
    hub: config.tokenizer.hub,
    logger,
    clock,
    validate: validateTokenizerFile,
  });
  const startupSource = config.tokenizer.startupSource;
  if (startupSource !== undefined) tokenizers.submit(startupSource, startupSource);
  const deadlineMs = Date.now() + config.workerStartupTimeoutSecs * 1000;
  const workersDone = Promise.all(
    // SMG: engines given on the command line are called with the gateway's own --api-key
    config.workerUrls.map((url) => {
      const apiKey = config.auth?.apiKey;
      return manager.register({ url, ...(apiKey !== undefined ? { apiKey } : {}) }, { deadlineMs })
        .done;
    }),
  ).then(() => undefined);
  const startupDone = Promise.all([workersDone, tokenizers.idle()]).then(() => undefined);
  const sweeper = setInterval(() => {
    manager.jobs.sweep();
    tokenizers.sweep();
  }, 60_000).unref();

  const handle = createControlServer(controlHandlers({ admission, manager, tokenizers, breakers }));

  return {
    registry,
    manager,
    tokenizers,
    startupDone,
    handle,
    peerGone: (peer) => {
      admission.peerGone(peer);
      tokenizers.peerGone(peer);
    },
    close() {
      tokenizers.close();
      stopLoadMonitor();
      admission.close();
      clearInterval(sweeper);
      manager.close();
      kvEvents?.close();
      health?.close();
      breakers?.close();
      void engines.close();
    },
  };
}

const DONE = Promise.resolve(null);

/** The primary's answer to every control op (payloads are already checked). */
function controlHandlers(deps: {
  admission: AdmissionService;
  manager: WorkerManager;
  tokenizers: TokenizerRegistry;
  breakers: CircuitBreakers;
}): ControlHandlers {
  const { admission, manager, tokenizers, breakers } = deps;
  return {
    admit: ({ ticket }, peer) => admission.admit(peer, ticket),
    'admit-cancel': ({ ticket }, peer) => {
      admission.cancel(peer, ticket);
      return DONE;
    },
    release: (_, peer) => {
      admission.release(peer);
      return DONE;
    },
    workers: (call) => Promise.resolve(handleWorkersCall(manager, call)),
    tokenizers: (call) => Promise.resolve(handleTokenizersCall(tokenizers, call)),
    'cb-outcomes': (batch) => {
      breakers.record(batch);
      return DONE;
    },
    'sync:tokenizers': syncHandler(tokenizers.replicated),
  };
}
