import type { GatewayConfig } from '../config/config';
import type { StateBus } from '../state/bus';
import type { Logger } from '../util/logger';
import { systemClock, type Clock } from '../util/clock';
import { mathRng, type Rng } from '../util/rng';
import { createLoadTracker, type LoadTracker } from '../core/load-tracker';
import { LOAD_READING_POLICIES } from '../policies/factory';
import { createRouter, type Router, type RouterDeps } from '../core/router';
import { createDeadlines, createEngineClients, createMetricsObserver } from '../dispatch';
import { createTracing } from '../tracing/tracer';
import { createTracingObserver } from '../tracing/observer';
import { packageVersion } from '../util/version';
import { createPolicy } from '../policies/factory';
import type { PolicyName } from '../policies/types';
import { loadNative } from '../native';
import { RouteTable } from '../server/route-table';
import { createHttpServer } from '../server/http-server';
import { createCorsPolicy } from '../server/cors';
import { inferenceRoutes } from '../routes/inference';
import { publicRoutes } from '../routes/public';
import { workersRoutes } from '../routes/workers';
import { adminRoutes } from '../routes/admin';
import { responsesRoutes } from '../routes/responses';
import { interactionsRoutes } from '../routes/interactions';
import { parseRoutes } from '../routes/parse';
import { createResponseParserStage } from '../parsers/response/stage';
import { tokenizeRoutes } from '../routes/tokenize';
import { tokenizersRoutes } from '../routes/tokenizers';
import { wasmRoutes } from '../routes/wasm';
import { startIngressWasm } from '../plugins/wasm/ingress';
import { haRoutes } from '../routes/ha';
import { createGlobalLimiter } from '../ha/global-limit';
import { createTenantLimiter } from '../ha/tenant-limits';
import { startPriorityGate } from '../priority/ingress';
import { tenantUsageStage } from '../routes/tenant-limit-guard';
import { startIngressTokenizers } from '../tokenizer/ingress';
import type { RpcClient } from './rpc';
import type { GatewayMetrics } from '../metrics';
import { createAuth } from '../auth';
import { createOutcomeReporter } from '../core/outcome-reporter';
import { createProbeGate } from '../core/probe-gate';
import { createSharedPrefixRouting } from '../routing/prefix-routing';
import { promptTokensFor } from '../kv-events/prompt-wiring';
import type { RouteContext } from '../routes/context';
import type { PipelineDeps, Stage } from '../dispatch';
import { combineObservers, createNotesObserver } from '../dispatch/notes-observer';
import { createAccessLog } from '../server/access-log';
import { dashboardRoutes } from '../routes/dashboard';
import { createSnapshotHub } from '../dashboard/hub';

/**
 * Load reports of an ingress process, ms. Each report is an IPC write that wakes the primary
 * (which relays it) and every other ingress process. With a policy that reads loads: a change
 * after a quiet spell travels within 5 ms, and a busy process, whose counts change with every
 * request, reports once per 20 ms (not every 5: the primary of a saturated two-process
 * cluster spent ~2 µs of CPU per request relaying them). Without one: at a display pace.
 */
const ROUTING_LOADS = { publishIntervalMs: 5, maxStaleMs: 25, minReportGapMs: 20 } as const;
const DISPLAY_LOADS = { publishIntervalMs: 25, maxStaleMs: 100, minReportGapMs: 100 } as const;

/** PD: the prefill and decode pools' policies (--prefill-policy/--decode-policy, else --policy). */
function pdPolicyNames(config: GatewayConfig): PolicyName[] {
  if (!config.pd) return [];
  return [config.pd.prefillPolicy ?? config.policy, config.pd.decodePolicy ?? config.policy];
}

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

export interface Ingress {
  readonly port: number;
  readonly router: Router;
  readonly loads: LoadTracker;
  /**
   * Graceful stop (SMG §0): readiness answers 503 draining at once; the listener keeps
   * accepting for settle = min(grace/2, 5 s); then it closes and in-flight requests and
   * streams get the rest of the grace period before the sockets are closed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * One ingress process's serving stack: replica of the shared state, policies, upstream
 * pools, the uWS listener. Identical in every process of the cluster.
 */
/** The pipeline stages of every inference route (response-path parsers when configured). */
function responseStages(config: GatewayConfig, logger: Logger): Stage[] {
  const parsers = createResponseParserStage(config.parsers, logger);
  return parsers ? [parsers] : [];
}

export async function startIngress(opts: {
  config: GatewayConfig;
  bus: StateBus;
  logger: Logger;
  exclusivePort: boolean;
  control: RpcClient;
  metrics: GatewayMetrics;
  clock?: Clock;
  rng?: Rng;
}): Promise<Ingress> {
  const { config, bus, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const native = loadNative();
  const pdPolicies = pdPolicyNames(config);
  const routingReadsLoads = [config.policy, ...pdPolicies].some((p) =>
    LOAD_READING_POLICIES.has(p),
  );
  const loads = createLoadTracker({ bus, ...(routingReadsLoads ? ROUTING_LOADS : DISPLAY_LOADS) });
  const tokenizers = startIngressTokenizers({
    config: config.tokenizer,
    processes: config.ingressProcesses,
    call: (op, payload, timeoutMs) => opts.control.call(op, payload, timeoutMs),
    logger,
  });
  const prefix =
    config.policy === 'cache_aware' || pdPolicies.includes('cache_aware')
      ? createSharedPrefixRouting({
          bus,
          blockSize: config.cacheAware.blockSize,
          defaultCapacityTokens: config.cacheAware.maxTreeSize,
          ignoreEngineCapacity: config.cacheAware.mode === 'smg',
          // routing tokenizes with a model's registered tokenizer once it is loaded here
          tokenizerFor: (model) => tokenizers.replica.loadedFor(model),
          speculativeMs: config.kvEvents.speculativeMs,
        })
      : undefined;
  const engines = createEngineClients({ maxConnections: config.engineMaxConnections });
  const routerDeps: RouterDeps = {
    bus,
    loads,
    ...(config.engineMaxConnections > 0 ? { waiting: (url: string) => engines.waiting(url) } : {}),
    policyName: config.policy,
    policyOptions: {
      assignmentMode: config.assignmentMode,
      maxIdleSecs: config.maxIdleSecs,
      evictionIntervalSecs: config.evictionInterval,
      cacheAware: config.cacheAware,
      prefixHash: config.prefixHash,
    },
    policyDeps: {
      rng: opts.rng ?? mathRng,
      clock,
      hash64: (k) => native.hash64(k),
      ...(prefix ? { prefix } : {}),
    },
    createPolicy,
    aliases: config.modelAliases,
  };
  const router = createRouter(routerDeps);
  const pdRouters = config.pd
    ? {
        prefill: createRouter({
          ...routerDeps,
          role: 'prefill',
          policyName: pdPolicies[0] ?? config.policy,
        }),
        decode: createRouter({
          ...routerDeps,
          role: 'decode',
          policyName: pdPolicies[1] ?? config.policy,
        }),
      }
    : undefined;
  const tracing = config.tracing
    ? createTracing({ endpoint: config.tracing.endpoint, serviceVersion: packageVersion() })
    : undefined;
  const auth = await createAuth(config.auth, { logger });
  const outcomes = createOutcomeReporter(opts.control);
  const probeGate = createProbeGate(config.circuitBreaker.halfOpenMaxProbes);
  const lifecycle = { draining: false };
  const deadlines = createDeadlines(clock);
  const rng = opts.rng ?? mathRng;
  const dispatch: PipelineDeps = {
    select: (model, info, sel) => router.select(model, info, sel),
    acquire: (id, blocks) => loads.acquire(id, blocks),
    admit: (w) => probeGate.tryEnter(w),
    client: (w) => engines.forWorker(w),
    // the notes observer first: the metrics observer reads the usage it collected
    observer: combineObservers(
      createNotesObserver(() => clock.monotonic()),
      createMetricsObserver({
        metrics: opts.metrics,
        outcomes,
        policy: config.policy,
        blockSize: config.cacheAware.blockSize,
        maxAttempts: config.retry.maxAttempts,
        logger,
      }),
      ...(tracing ? [createTracingObserver(tracing.tracer, config.policy)] : []),
    ),
    retry: config.retry,
    timeoutMs: config.requestTimeoutSecs * 1000,
    deadlines,
    rng,
    now: () => clock.monotonic(),
    blockSize: config.cacheAware.blockSize,
  };
  const wasm = config.wasm.enabled
    ? startIngressWasm({
        call: (op, payload, timeoutMs) => opts.control.call(op, payload, timeoutMs),
        logger,
        metrics: opts.metrics,
        threads: config.wasm.threads,
        reuseInstances: config.wasm.reuseInstances,
      })
    : undefined;
  const globalLimit =
    config.redisUrl !== undefined
      ? createGlobalLimiter({ url: config.redisUrl, processes: config.ingressProcesses, logger })
      : undefined;
  const tenantLimit = config.tenantLimits
    ? createTenantLimiter({
        config: config.tenantLimits,
        processes: config.ingressProcesses,
        logger,
        ...(config.redisUrl !== undefined ? { redisUrl: config.redisUrl } : {}),
      })
    : undefined;
  const priority = startPriorityGate({
    config,
    control: opts.control,
    metrics: opts.metrics,
    logger,
    clock,
    workers: () => router.workers(),
  });
  const ctx: RouteContext = {
    router,
    loads,
    engines,
    dispatch,
    stages: [...responseStages(config, logger), ...(tenantLimit ? [tenantUsageStage()] : [])],
    config,
    logger,
    clock,
    control: opts.control,
    lifecycle,
    metrics: opts.metrics,
    auth,
    rng,
    outcomes,
    admitProbe: (w) => probeGate.tryEnter(w),
    ...(prefix
      ? {
          prefix,
          promptTokens: promptTokensFor(
            tokenizers.replica,
            opts.metrics,
            config.tokenizer.inlineThreshold,
          ),
        }
      : {}),
    ...(wasm ? { wasm } : {}),
    ...(globalLimit ? { globalLimit } : {}),
    ...(tenantLimit ? { tenantLimit } : {}),
    ...(priority ? { priority } : {}),
    ...(config.pd && pdRouters
      ? {
          pd: {
            routers: pdRouters,
            protocol: config.pd.protocol,
            graceMs: config.pd.kvHandoffGraceMs,
            metrics: opts.metrics.pd(),
          },
        }
      : {}),
  };
  // Per-process in-flight gauge, read at scrape time; the primary's scrape sums the processes.
  opts.metrics.sampleRequestsActive(function* () {
    for (const w of router.workers()) yield [w.url, loads.local(w.id)] as const;
  });
  opts.metrics.sampleEngineConnections(() => engines.connections());
  // the operator console's live stream: one shared snapshot per tick for every watcher here
  const dashboard = config.disableDashboard
    ? undefined
    : createSnapshotHub({ fetch: () => opts.control.call('dashboard', null, 5000), logger });
  const table = new RouteTable();
  for (const r of [
    ...publicRoutes(ctx),
    ...inferenceRoutes(ctx),
    ...responsesRoutes(ctx),
    ...interactionsRoutes(ctx),
    ...workersRoutes(ctx),
    ...adminRoutes(ctx),
    ...parseRoutes(ctx),
    ...tokenizeRoutes(ctx, tokenizers.replica),
    ...tokenizersRoutes(ctx),
    ...wasmRoutes(ctx),
    ...haRoutes(ctx),
    ...(dashboard ? dashboardRoutes(ctx, dashboard) : []),
  ])
    table.add(r);
  const server = createHttpServer(table, {
    host: config.host,
    port: config.port,
    maxPayloadSize: config.maxPayloadSize,
    requestIdHeaders: config.requestIdHeaders,
    exclusivePort: opts.exclusivePort,
    logger,
    cors: createCorsPolicy(config.corsAllowedOrigins),
    ...(config.tls ? { tls: config.tls } : {}),
    body: {
      timeoutMs: config.hardening.requestBodyTimeoutSecs * 1000,
      maxPendingBytes: config.hardening.maxPendingBodyBytes,
      deadlines,
      now: () => clock.monotonic(),
    },
    parseBudgetBytes: config.hardening.jsonParseBudgetBytes,
    ...optional(
      'accessLog',
      createAccessLog({ logger, sampleRate: config.hardening.accessLogSampleRate }),
    ),
    observe: (method, route, status, errorCode, seconds) =>
      opts.metrics.httpRequest(method, route, status, errorCode, seconds),
  });
  opts.metrics.samplePendingBodyBytes(() => server.pendingBodyBytes);
  // Serve only once the registry replica is in sync, so a (re)started process never answers
  // 404 model_not_found for a fleet it has not heard of yet.
  const synced = await Promise.race([
    router.synced().then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref()),
  ]);
  if (!synced) logger.warn('no registry snapshot within 10 s; serving with an empty fleet');
  const port = await server.listen();
  return {
    port,
    router,
    loads,
    async close(graceMs = 5000) {
      lifecycle.draining = true;
      dashboard?.close(); // watchers' streams never end by themselves
      const settle = Math.min(graceMs / 2, 5000);
      await new Promise((r) => setTimeout(r, settle));
      await server.close(graceMs - settle);
      router.close();
      pdRouters?.prefill.close();
      pdRouters?.decode.close();
      loads.close();
      outcomes.close();
      prefix?.close();
      await tokenizers.close();
      await wasm?.close();
      deadlines.close();
      await engines.close();
      await tracing
        ?.shutdown()
        .catch((err: unknown) => logger.warn({ err }, 'trace export failed'));
      await globalLimit?.close();
      await tenantLimit?.close();
      await priority?.close();
    },
  };
}
