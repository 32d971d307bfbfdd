import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import type { StateBus } from '../state/bus';
import { createWorkerRegistry, type WorkerRegistry } from '../core/registry';
import { WorkerManager, type RegistrationInput } from './worker-manager';
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
import { createLoadPoller, startLoadMonitor } from './load-monitor';
import { createEngineClients } from '../dispatch/engine-client';
import { TokenizerRegistry, validateTokenizerFile } from './tokenizer-registry';
import { handleTokenizersCall } from './tokenizers-api';
import { WasmRegistry } from '../plugins/wasm/registry';
import { wasmHandlers } from '../plugins/wasm/control';
import { createRedisWasmStore } from '../plugins/wasm/redis-store';
import type { Mesh } from '../ha/mesh';
import { handleHaCall, meshDisabledReply, type HaCall, type HaView } from '../ha/ha-api';
import type { Reply } from '../errors/gateway-error';
import { startWorkerSync, type WorkerSync } from '../ha/worker-sync';
import { startTokenizerSync, type TokenizerSync } from '../ha/tokenizer-sync';
import { startKvEvents, type KvEventsManager } from '../kv-events/manager';
import { createDashboardSource, type DashboardSource } from '../dashboard/source';
import { clusterView } from '../dashboard/cluster';
import type { InstanceView } from '../dashboard/types';
import { startPriorityService } from '../priority/start';
import { schedHandlers } from '../priority/control-handlers';

export interface ControlPlane {
  readonly registry: WorkerRegistry;
  readonly manager: WorkerManager;
  readonly tokenizers: TokenizerRegistry;
  /** WASM modules (--enable-wasm only). */
  readonly wasm?: WasmRegistry;
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
  | 'pd'
  | 'workerStartupTimeoutSecs'
  | 'workerStartupCheckInterval'
  | 'auth'
  | 'health'
  | 'circuitBreaker'
  | 'admission'
  | 'policy'
  | 'loadMonitorInterval'
  | 'tokenizer'
  | 'wasm'
  | 'redisUrl'
  | 'kvEvents'
  | 'modelAliases'
  | 'priority'
>;

/**
 * Everything that runs once per instance (in the primary, or the single process): the
 * authoritative registry, registration jobs, and the handler of control-plane calls.
 */
/** The engines named on the command line: --worker-urls, or PD's --prefill and --decode. */
export function startupWorkers(
  config: Pick<GatewayConfig, 'workerUrls' | 'pd'>,
): RegistrationInput[] {
  if (!config.pd) return config.workerUrls.map((url) => ({ url }));
  return [
    ...config.pd.prefill.map((p) => ({
      url: p.url,
      workerType: 'prefill' as const,
      bootstrapPort: p.bootstrapPort,
    })),
    ...config.pd.decode.map((url) => ({ url, workerType: 'decode' as const })),
  ];
}

export function startControlPlane(opts: {
  config: ControlPlaneConfig;
  bus: StateBus;
  logger: Logger;
  metrics: GatewayMetrics;
  clock?: Clock;
  /** The cluster over Redis (--redis-url): answers /ha/*. */
  mesh?: Mesh;
  /** POST /ha/shutdown: this instance's graceful stop (default: SIGTERM to itself). */
  requestShutdown?: () => void;
  /** The operator console's inputs (absent with --disable-dashboard). */
  dashboard?: {
    /** What /metrics serves, as prom-client JSON. */
    metricsJson: () => Promise<readonly unknown[]>;
    instance: InstanceView;
  };
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
    modelAliases: config.modelAliases,
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
  // the instance's priority scheduler; with --redis-url the ingress processes use Redis
  const scheduler =
    config.redisUrl === undefined
      ? startPriorityService(config, () => registry.list(), clock, logger)
      : undefined;
  const loadAware = (p: string | undefined): boolean => p === 'power_of_two' || p === 'least_load';
  const loadPoller = createLoadPoller(registry, engines);
  const stopLoadMonitor =
    loadAware(config.policy) ||
    loadAware(config.pd?.prefillPolicy) ||
    loadAware(config.pd?.decodePolicy)
      ? startLoadMonitor(opts.bus, loadPoller, config.loadMonitorInterval)
      : () => undefined;
  breakers = new CircuitBreakers(config.circuitBreaker, manager, metrics, clock, logger);
  const tokenizers = new TokenizerRegistry({
    hubDownload: config.tokenizer.hubDownload,
    hub: config.tokenizer.hub,
    logger,
    clock,
    validate: validateTokenizerFile,
  });
  const tokenizerSync: TokenizerSync | undefined = opts.mesh
    ? startTokenizerSync({
        client: opts.mesh.client,
        keys: opts.mesh.keys,
        registry: tokenizers,
        node: opts.mesh.name,
        logger,
      })
    : undefined;
  const startupSource = config.tokenizer.startupSource;
  if (startupSource !== undefined) {
    tokenizers.submit(startupSource, startupSource, config.tokenizer.chatTemplate);
    tokenizerSync?.registered({ name: startupSource, source: startupSource });
  } else if (config.tokenizer.chatTemplate !== undefined) {
    logger.warn(
      '--chat-template is unused: no startup tokenizer (--model-path / --tokenizer-path)',
    );
  }
  // with --redis-url, /workers changes and --worker-urls apply to every instance
  const sync: WorkerSync | undefined = opts.mesh
    ? startWorkerSync({
        client: opts.mesh.client,
        keys: opts.mesh.keys,
        manager,
        node: opts.mesh.name,
        logger,
      })
    : undefined;
  const deadlineMs = Date.now() + config.workerStartupTimeoutSecs * 1000;
  const workersDone = Promise.all(
    // SMG: engines given on the command line are called with the gateway's own --api-key
    startupWorkers(config).map((w) => {
      const apiKey = config.auth?.apiKey;
      const input = { ...w, ...(apiKey !== undefined ? { apiKey } : {}) };
      sync?.registered(input);
      return manager.register(input, { deadlineMs }).done;
    }),
  ).then(() => undefined);
  const startupDone = Promise.all([workersDone, tokenizers.idle()]).then(() => undefined);
  const sweeper = setInterval(() => {
    manager.jobs.sweep();
    tokenizers.sweep();
  }, 60_000).unref();

  const wasm = config.wasm.enabled
    ? new WasmRegistry({
        logger,
        maxModules: config.wasm.maxModules,
        ...(config.redisUrl !== undefined
          ? { store: createRedisWasmStore({ url: config.redisUrl, logger }) }
          : {}),
      })
    : undefined;
  const mesh = opts.mesh;
  const view: HaView = {
    workers: () => registry.list(),
    defaultPolicy: config.policy,
    shutdown: opts.requestShutdown ?? (() => process.kill(process.pid, 'SIGTERM')),
  };
  const ha = mesh
    ? (call: HaCall) => handleHaCall(mesh, view, call)
    : () => Promise.resolve(meshDisabledReply());
  const snapshots: DashboardSource | undefined = opts.dashboard
    ? createDashboardSource({
        metricsJson: opts.dashboard.metricsJson,
        registry,
        jobs: manager.jobs,
        loads: loadPoller,
        tokenizers: () => tokenizers.list(),
        ...(wasm ? { wasm: () => wasm.list() } : {}),
        ...(mesh ? { cluster: () => clusterView(mesh) } : {}),
        instance: opts.dashboard.instance,
      })
    : undefined;
  const handle = createControlServer({
    ...controlHandlers({ admission, manager, tokenizers, breakers, ha, sync, tokenizerSync }),
    ...wasmHandlers(wasm),
    dashboard: () =>
      snapshots
        ? snapshots.snapshot()
        : Promise.reject(new Error('the operator console is disabled')),
    ...schedHandlers(scheduler?.service),
  });

  return {
    registry,
    manager,
    tokenizers,
    ...(wasm ? { wasm } : {}),
    startupDone,
    handle,
    peerGone: (peer) => {
      admission.peerGone(peer);
      scheduler?.service.peerGone(peer);
      tokenizers.peerGone(peer);
    },
    close() {
      sync?.close();
      tokenizerSync?.close();
      tokenizers.close();
      wasm?.close();
      stopLoadMonitor();
      admission.close();
      scheduler?.close();
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
/** Ops answered outside controlHandlers (the WASM registry's, the console's, the scheduler's). */
type OwnOp = 'wasm' | 'sync:wasm' | 'wasm-artifact' | 'wasm-stats' | 'dashboard' | SchedOp;
type SchedOp = 'sched-admit' | 'sched-cancel' | 'sched-release' | 'sched-decline' | 'sched-events';

/** The primary's answer to every control op (payloads are already checked). */
function controlHandlers(deps: {
  admission: AdmissionService;
  manager: WorkerManager;
  tokenizers: TokenizerRegistry;
  breakers: CircuitBreakers;
  ha: (call: HaCall) => Promise<Reply>;
  sync: WorkerSync | undefined;
  tokenizerSync: TokenizerSync | undefined;
}): Omit<ControlHandlers, OwnOp> {
  const { admission, manager, tokenizers, breakers, ha, sync, tokenizerSync } = deps;
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
    workers: (call) => {
      const r = manager.registry;
      const before =
        call.id === undefined ? undefined : (r.get(call.id)?.url ?? r.reservedUrl(call.id));
      const reply = handleWorkersCall(manager, call);
      sync?.afterCall(call, before, reply);
      return Promise.resolve(reply);
    },
    tokenizers: (call) => {
      const before = call.id === undefined ? undefined : tokenizers.find(call.id)?.name;
      const reply = handleTokenizersCall(tokenizers, call);
      tokenizerSync?.afterCall(call, before, reply);
      return Promise.resolve(reply);
    },
    'cb-outcomes': (batch) => {
      breakers.record(batch);
      return DONE;
    },
    'sync:tokenizers': syncHandler(tokenizers.replicated),
    ha: (call) => ha(call),
  };
}
