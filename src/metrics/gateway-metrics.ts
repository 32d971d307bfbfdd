import { createPdMetrics, type PdMetrics } from './pd-metrics';
import { createSchedulerMetrics, type SchedulerMetrics } from './scheduler-metrics';
import type { Registry } from 'prom-client';
import { createFamilies, type EngineConnectionSample, type Samplers } from './families';
import type { KvEventMetrics } from '../kv-events/manager';
import { boundCounter, BoundCache } from './bound';
import { breakerPart, httpPart, kvEventsPart, routerPart, workerPart } from './gateway-parts';
import {
  CONNECTION_MODE,
  DEFAULT_DURATION_BUCKETS,
  WORKER_TYPE,
  validateBuckets,
  type CbOutcome,
  type CbState,
  type Endpoint,
  type HealthCheckResult,
  type RateLimitResult,
  type RouterErrorType,
} from './labels';

export interface GatewayMetricsOptions {
  /**
   * Buckets (seconds) of every duration/TTFT histogram and of the retry-backoff histogram.
   * Strictly increasing. Default: `DEFAULT_DURATION_BUCKETS` (29 values, 1 ms … 7200 s).
   */
  readonly durationBuckets?: readonly number[];
}

/** The model and SMG endpoint a routed request belongs to. */
export interface RouteKey {
  readonly model: string;
  readonly endpoint: Endpoint;
}

/**
 * Everything collie records, named and labelled as SMG does (§11). Worker arguments are
 * the worker URL. Durations are in seconds. No prom-client type crosses this interface.
 *
 * In cluster mode each process records into its own registry and the primary sums them:
 * record an event (a counter increment) in exactly one process, and set a primary-owned
 * per-worker fact (health, circuit breaker, pool size) in the primary.
 */
export interface GatewayMetrics {
  /** One WASM module call (result: success, failed = trap or crash, timeout). */
  wasmExecution(
    module: { readonly name: string; readonly uuid: string },
    attachPoint: 'OnRequest' | 'OnResponse',
    result: 'success' | 'failed' | 'timeout',
    seconds: number,
  ): void;
  /** One finished HTTP request. `path` is the matched route template or `other`. */
  httpRequest(
    method: string,
    path: string,
    status: number,
    errorCode: string | undefined,
    seconds: number,
  ): void;
  /** +1 when a client connection opens, −1 when it closes. */
  connectionsActive(delta: number): void;
  rateLimit(result: RateLimitResult): void;
  /** Requests currently waiting in the admission queue of this process. */
  queueDepth(n: number): void;

  routerRequest(key: RouteKey & { readonly streaming: boolean }): void;
  routerDuration(key: RouteKey, seconds: number): void;
  routerError(key: RouteKey & { readonly errorType: RouterErrorType }): void;
  /** One upstream response head; `errorCode` is the worker's `X-SMG-Error-Code`, if any. */
  upstreamResponse(status: number, errorCode?: string): void;
  ttft(key: RouteKey, seconds: number): void;
  generationDuration(key: RouteKey, seconds: number): void;

  workerPoolSize(model: string, n: number): void;
  workerRequestsActive(worker: string, n: number): void;
  /**
   * Reads every worker's in-flight count at scrape time (replacing per-change
   * workerRequestsActive calls on the request path).
   */
  sampleRequestsActive(read: () => Iterable<readonly [worker: string, n: number]>): void;
  /**
   * The per-request series of one (model, endpoint) route, bound once. Call it once per key
   * and keep the result: the request path then allocates no label objects.
   */
  routeSeries(key: RouteKey, policy: string): RouteSeries;
  /** Reads the bytes of unfinished request bodies at scrape time. */
  samplePendingBodyBytes(read: () => number): void;
  /** Reads the engine pools' connection counts at scrape time. */
  sampleEngineConnections(read: () => EngineConnectionSample): void;
  workerHealth(worker: string, healthy: boolean): void;
  healthCheck(result: HealthCheckResult): void;
  workerSelection(sel: { readonly model: string; readonly policy: string }): void;
  /** cache_aware decision reason (routing transparency). */
  routeDecision(model: string, reason: string): void;
  /**
   * Routing precision: the index's predicted cached prefix vs the engine-reported
   * cached_tokens of the same answer (collie-specific; no peer exports this).
   */
  routingPrecision(
    model: string,
    predictedTokens: number,
    reportedTokens: number,
    source?: 'events' | 'prediction',
  ): void;
  /** Engine KV-event ingestion (the primary records these). */
  readonly kvEvents: KvEventMetrics;
  workerError(errorType: string): void;
  retry(endpoint: Endpoint): void;
  retriesExhausted(endpoint: Endpoint): void;
  /** `attempt` is the retry number, 1 for the first retry (values below 1 count as 1). */
  retryBackoff(attempt: number, seconds: number): void;

  cbState(worker: string, state: CbState): void;
  cbTransition(worker: string, from: CbState, to: CbState): void;
  /** `n` outcomes at once (default 1). */
  cbOutcome(worker: string, outcome: CbOutcome, n?: number): void;
  cbConsecutive(worker: string, failures: number, successes: number): void;

  /**
   * Drops every series labelled with `worker` from this process's registry. In cluster mode
   * call it in every process that recorded for the worker (the registry-removal event
   * reaches them all), or a mirror left in an ingress process keeps the series alive.
   */
  removeWorker(worker: string): void;
  /** PD metrics (smg_pd_*), registered on first use so regular mode exports none. */
  pd(): PdMetrics;
  /** Priority-scheduler metrics (smg_scheduler_*), registered on first use. */
  scheduler(): SchedulerMetrics;
}

/** A route's per-request series (see GatewayMetrics.routeSeries). */
export interface RouteSeries {
  request(streaming: boolean): void;
  duration(seconds: number): void;
  ttft(seconds: number): void;
  /** Time per output token of a stream: (last byte − first byte) / (completion tokens − 1). */
  tpot(seconds: number): void;
  /** Token counts the engine reported (usage / meta_info). */
  tokens(input: number, output: number): void;
  /** One worker selection under the bound policy, with the cache_aware reason if any. */
  selected(reason: string | undefined): void;
}

/**
 * Registers SMG's metric families on `registry` and returns the facade that records into
 * them. Call once per registry: prom-client refuses a second family of the same name.
 */
export function createGatewayMetrics(
  registry: Registry,
  opts: GatewayMetricsOptions = {},
): GatewayMetrics {
  const buckets = [...(opts.durationBuckets ?? DEFAULT_DURATION_BUCKETS)];
  validateBuckets(buckets);
  const samplers: Samplers = {};
  const f = createFamilies(registry, buckets, samplers);
  const worker = workerPart(f);
  const router = routerPart(f, buckets);
  let pd: PdMetrics | undefined;
  let scheduler: SchedulerMetrics | undefined;
  return {
    ...httpPart(f, buckets),
    ...router,
    ...worker,
    ...breakerPart(f),
    wasmExecution(m, attach_point, result, seconds) {
      const labels = { module: m.name, module_uuid: m.uuid, attach_point };
      f.wasmExecutions.inc({ ...labels, result });
      f.wasmDuration.observe(labels, seconds);
    },
    pd: () => (pd ??= createPdMetrics(registry, buckets)),
    scheduler: () => (scheduler ??= createSchedulerMetrics(registry, buckets)),
    kvEvents: kvEventsPart(f),
    sampleRequestsActive(read) {
      samplers.requestsActive = read;
    },
    samplePendingBodyBytes(read) {
      samplers.pendingBodyBytes = read;
    },
    sampleEngineConnections(read) {
      samplers.engineConnections = read;
    },
    routeSeries(key, policy) {
      const r = router.bound(key);
      const bySelection = boundCounter(f.selection, {
        worker_type: WORKER_TYPE,
        connection_mode: CONNECTION_MODE,
        model: key.model,
        policy,
      });
      // by reason, bound on first use (a handful of values)
      const decisions = new BoundCache((reason: string) =>
        boundCounter(f.routeDecisions, { model: key.model, reason }),
      );
      return {
        request: (streaming) => (streaming ? r.streaming() : r.plain()),
        duration: r.duration,
        ttft: r.ttft,
        tpot: r.tpot,
        tokens(input, output) {
          if (input > 0) r.inputTokens(input);
          if (output > 0) r.outputTokens(output);
        },
        selected(reason) {
          bySelection();
          if (reason !== undefined) decisions.get(reason)();
        },
      };
    },
  };
}
