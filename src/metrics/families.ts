import { Counter, Gauge, Histogram, type Aggregator, type Registry } from 'prom-client';

/*
 * The prom-client metric objects behind the facade (internal to src/metrics).
 *
 * `aggregator` says how the primary merges one series reported by several processes
 * (cluster mode, see cluster-collector.ts):
 *  - 'sum' (prom-client's default): counters, histograms, and gauges that count something
 *    each process holds on its own (connections, in-flight requests, queued requests).
 *  - 'first': facts about one worker that the primary owns and ingress processes at most
 *    mirror (health, circuit-breaker state and counters, pool size). The primary's own
 *    registry is aggregated first, so its value wins; otherwise the lowest ingress id's.
 *    Summing them would report e.g. health 3 or cb_state 4 with three processes.
 */

const SHARED: Aggregator = 'first';

/** Scrape-time readers for gauges that change on every request. */
export interface Samplers {
  requestsActive?: () => Iterable<readonly [string, number]>;
  /** Upstream connections open, and requests waiting for a connection per worker. */
  engineConnections?: () => EngineConnectionSample;
  /** Bytes of unfinished request bodies this process holds. */
  pendingBodyBytes?: () => number;
}

export interface EngineConnectionSample {
  readonly connected: number;
  readonly waiting: Iterable<readonly [worker: string, n: number]>;
}

export function createFamilies(registry: Registry, buckets: number[], samplers: Samplers = {}) {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    aggregator: Aggregator = 'sum',
  ) => new Gauge<L>({ name, help, labelNames, registers, aggregator });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, registers, buckets });

  const routerLabels = [
    'router_type',
    'backend_type',
    'connection_mode',
    'model',
    'endpoint',
  ] as const;
  const inferenceLabels = ['router_type', 'backend_type', 'model', 'endpoint'] as const;

  return {
    // Layer 1: HTTP
    httpRequests: counter('smg_http_requests_total', 'Total HTTP requests by method and path', [
      'method',
      'path',
    ]),
    httpDuration: histogram(
      'smg_http_request_duration_seconds',
      'HTTP request duration by method and path',
      ['method', 'path'],
    ),
    httpResponses: counter(
      'smg_http_responses_total',
      'Total HTTP responses by path, status_code and error_code',
      ['path', 'status_code', 'error_code'],
    ),
    connectionsActive: gauge(
      'smg_http_connections_active',
      'Currently active HTTP connections',
      [],
    ),
    pendingBodyBytes: new Gauge({
      name: 'collie_http_pending_body_bytes',
      help: 'Bytes of request bodies still being received (bounded by --max-pending-body-bytes per process)',
      registers,
      collect() {
        const read = samplers.pendingBodyBytes;
        if (read) this.set(read());
      },
    }),
    rateLimit: counter(
      'smg_http_rate_limit_total',
      'Rate limiting decisions by result (allowed/rejected)',
      ['result'],
    ),
    queueDepth: gauge(
      'smg_http_rate_limit_queue_depth',
      'Requests waiting in the admission queue for a rate-limit token',
      [],
    ),

    // Layer 2: router
    routerRequests: counter(
      'smg_router_requests_total',
      'Total routed requests by router_type, backend_type, connection_mode, model, endpoint, streaming',
      [...routerLabels, 'streaming'],
    ),
    routerDuration: histogram(
      'smg_router_request_duration_seconds',
      'Router request duration by router_type, backend_type, connection_mode, model, endpoint',
      routerLabels,
    ),
    routerErrors: counter(
      'smg_router_request_errors_total',
      'Router errors by router_type, backend_type, connection_mode, model, endpoint, error_type',
      [...routerLabels, 'error_type'],
    ),
    upstreamResponses: counter(
      'smg_router_upstream_responses_total',
      'Upstream backend HTTP responses by router_type, status_code, error_code',
      ['router_type', 'status_code', 'error_code'],
    ),
    ttft: histogram(
      'smg_router_ttft_seconds',
      'Time to first token by router_type, backend_type, model, endpoint',
      inferenceLabels,
    ),
    tpot: histogram(
      'smg_router_tpot_seconds',
      'Time per output token by router_type, backend_type, model, endpoint',
      inferenceLabels,
    ),
    tokens: counter(
      'smg_router_tokens_total',
      'Total tokens processed by router_type, backend_type, model, endpoint, token_type',
      [...inferenceLabels, 'token_type'],
    ),
    generationDuration: histogram(
      'smg_router_generation_duration_seconds',
      'Total generation time by router_type, backend_type, model, endpoint',
      inferenceLabels,
    ),

    // Layer 3: workers
    poolSize: gauge(
      'smg_worker_pool_size',
      'Current worker pool size by worker_type, connection_mode, model',
      ['worker_type', 'connection_mode', 'model'],
      SHARED,
    ),
    requestsActive: new Gauge<'worker'>({
      name: 'smg_worker_requests_active',
      help: 'Currently running requests per worker',
      labelNames: ['worker'],
      registers,
      // read at scrape time when a sampler is set (see GatewayMetrics.sampleRequestsActive)
      collect() {
        const read = samplers.requestsActive;
        if (!read) return;
        this.reset();
        for (const [worker, n] of read()) this.set({ worker }, n);
      },
    }),
    connectionsActiveWorkers: new Gauge<'worker_type' | 'connection_mode'>({
      name: 'smg_worker_connections_active',
      help: 'Active connections to workers by worker_type, connection_mode',
      labelNames: ['worker_type', 'connection_mode'],
      registers,
      collect() {
        const read = samplers.engineConnections;
        if (!read) return;
        this.set({ worker_type: 'regular', connection_mode: 'http' }, read().connected);
      },
    }),
    connectionsWaiting: new Gauge<'worker'>({
      name: 'collie_worker_connection_waiting_requests',
      help: 'Requests waiting inside collie for a connection to the worker (--engine-max-connections)',
      labelNames: ['worker'],
      registers,
      collect() {
        const read = samplers.engineConnections;
        if (!read) return;
        this.reset();
        for (const [worker, n] of read().waiting) this.set({ worker }, n);
      },
    }),
    health: gauge(
      'smg_worker_health',
      'Worker health status (1=healthy, 0=unhealthy)',
      ['worker'],
      SHARED,
    ),
    healthChecks: counter(
      'smg_worker_health_checks_total',
      'Health check results by worker_type and result',
      ['worker_type', 'result'],
    ),
    routeDecisions: counter(
      'collie_cache_aware_decisions_total',
      'cache_aware routing decisions by model and reason (hit, miss, imbalance, sticky)',
      ['model', 'reason'],
    ),
    predictedCached: counter(
      'collie_routing_predicted_cached_tokens_total',
      'Prompt tokens the prefix index predicted the engine holds, for answers that reported cached_tokens, by source (events or prediction)',
      ['model', 'source'],
    ),
    reportedCached: counter(
      'collie_routing_reported_cached_tokens_total',
      'usage.prompt_tokens_details.cached_tokens reported by engines for the same answers, by source',
      ['model', 'source'],
    ),
    confirmedCached: counter(
      'collie_routing_confirmed_cached_tokens_total',
      'min(predicted, reported) cached tokens per answer: precision = confirmed / predicted, by source',
      ['model', 'source'],
    ),
    kvIncidents: counter(
      'collie_kv_events_incidents_total',
      'Engine KV-event incidents per worker: gap, replay, replay_failed, restart, lost, garbage, flood, orphan, skipped_<reason>…',
      ['worker', 'kind'],
    ),
    kvLag: new Histogram<never>({
      name: 'collie_kv_events_lag_seconds',
      help: 'Age of KV-event batches when received (receive time − batch ts; engine clock)',
      labelNames: [],
      registers,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    }),
    kvLive: gauge(
      'collie_kv_events_live',
      "1 when a worker's KV events are trusted for routing, 0 when it is routed by prediction",
      ['worker'],
      SHARED,
    ),
    kvBlocks: gauge(
      'collie_kv_events_blocks',
      "KV blocks a worker's events say it holds",
      ['worker'],
      SHARED,
    ),
    selection: counter(
      'smg_worker_selection_total',
      'Worker selection events by worker_type, connection_mode, model, policy',
      ['worker_type', 'connection_mode', 'model', 'policy'],
    ),
    workerErrors: counter(
      'smg_worker_errors_total',
      'Worker-level errors by worker_type, connection_mode, error_type',
      ['worker_type', 'connection_mode', 'error_type'],
    ),
    retries: counter(
      'smg_worker_retries_total',
      'Total retry attempts by worker_type and endpoint',
      ['worker_type', 'endpoint'],
    ),
    retriesExhausted: counter(
      'smg_worker_retries_exhausted_total',
      'Requests that exhausted all retries by worker_type and endpoint',
      ['worker_type', 'endpoint'],
    ),
    retryBackoff: histogram(
      'smg_worker_retry_backoff_seconds',
      'Retry backoff duration by attempt number',
      ['attempt'],
    ),

    // Layer 3: circuit breaker
    cbState: gauge(
      'smg_worker_cb_state',
      'Circuit breaker state per worker (0=closed, 1=open, 2=half_open)',
      ['worker'],
      SHARED,
    ),
    cbTransitions: counter(
      'smg_worker_cb_transitions_total',
      'Circuit breaker state transitions by worker, from, to',
      ['worker', 'from', 'to'],
    ),
    cbOutcomes: counter(
      'smg_worker_cb_outcomes_total',
      'Circuit breaker outcomes by worker and outcome (success/failure)',
      ['worker', 'outcome'],
    ),
    cbFailures: gauge(
      'smg_worker_cb_consecutive_failures',
      'Current consecutive failure count per worker',
      ['worker'],
      SHARED,
    ),
    cbSuccesses: gauge(
      'smg_worker_cb_consecutive_successes',
      'Current consecutive success count per worker',
      ['worker'],
      SHARED,
    ),
    // WASM middleware (collie; SMG keeps only the /wasm execution counters)
    wasmExecutions: counter(
      'smg_wasm_executions_total',
      'WASM module calls by module, attach point and result (success/failed/timeout)',
      ['module', 'module_uuid', 'attach_point', 'result'],
    ),
    wasmDuration: histogram(
      'smg_wasm_execution_duration_seconds',
      'WASM module call duration by module and attach point',
      ['module', 'module_uuid', 'attach_point'],
    ),
  };
}

export type Families = ReturnType<typeof createFamilies>;
