/**
 * The operator console's snapshot (`GET /dashboard/api/snapshot`, and every event of
 * `GET /dashboard/api/events`): one JSON document, documented for scripts in the README.
 *
 * Conventions: `*_total` are counters since the instance started (the /metrics series they
 * come from are named beside them); `*_per_s` are rates over the `interval_s` seconds since
 * the previous snapshot (null on the first one); ratios and percentiles cover `window_s`
 * seconds (the last minute; null = since the instance started). Unknown values are null.
 */
export interface Snapshot {
  /** Bumped when a field changes meaning or goes away (new fields may appear any time). */
  readonly version: 1;
  readonly generated_at: string;
  readonly interval_s: number | null;
  readonly window_s: number | null;
  readonly instance: InstanceView;
  readonly totals: TotalsView;
  readonly fleet: FleetView;
  readonly routing: RoutingView;
  /** null without --redis-url. */
  readonly cluster: ClusterView | null;
  /** null without --enable-wasm. */
  readonly plugins: PluginsView | null;
  readonly tokenizers: readonly TokenizerView[];
}

export interface InstanceView {
  readonly version: string;
  readonly policy: string;
  readonly ingress_processes: number;
}

export interface TotalsView {
  /** smg_router_requests_total. */
  readonly requests_total: number;
  readonly requests_per_s: number | null;
  /** smg_router_request_errors_total. */
  readonly errors_total: number;
  readonly errors_per_s: number | null;
  /** Σ smg_worker_requests_active. */
  readonly in_flight: number;
}

export const FLEET_STATUSES = [
  'ready',
  'pending',
  'draining',
  'not_ready',
  'failed',
  'registering',
  'registration_failed',
] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

export interface FleetWorker {
  readonly id: string;
  readonly url: string;
  /** null while a registration job runs (the engine's model is not discovered yet). */
  readonly model: string | null;
  readonly worker_type: 'regular' | 'prefill' | 'decode';
  readonly runtime_type: string | null;
  /**
   * The registry's status (ready, pending, draining, not_ready, failed), or `registering` /
   * `registration_failed` for a URL whose registration job runs or failed.
   */
  readonly status: FleetStatus;
  readonly healthy: boolean;
  /** closed, open, half_open; null while registering. */
  readonly circuit: string | null;
  /** smg_worker_requests_active (every ingress process). */
  readonly in_flight: number;
  /** Engine-reported load (Σ num_used_tokens), from the last poll; null when unknown. */
  readonly engine_load: number | null;
  /** Engine-reported KV-cache usage 0..1, from the last poll; null when unknown. */
  readonly kv_usage: number | null;
  /** Engine KV events (cache_aware): live = trusted for routing; blocks held. */
  readonly kv_events: { readonly live: boolean; readonly blocks: number } | null;
  /** Attempts sent to the worker: smg_worker_cb_outcomes_total (success + failure). */
  readonly requests_total: number;
  /** smg_worker_cb_outcomes_total{outcome="failure"} (retryable statuses, transport errors). */
  readonly failures_total: number;
  readonly requests_per_s: number | null;
  /** failures / attempts over the window; null without attempts. */
  readonly error_rate: number | null;
  /** The registration/removal job (SMG job_status), if one runs or failed. */
  readonly job: {
    readonly type: string;
    readonly status: string;
    readonly message: string | null;
  } | null;
}

export interface FleetView {
  readonly workers: readonly FleetWorker[];
  /** Workers per status (zero counts included). */
  readonly counts: Readonly<Record<FleetStatus, number>>;
  readonly open_circuits: number;
}

export interface Rate {
  readonly total: number;
  readonly per_s: number | null;
}

export interface HitRatio {
  /** Σ predicted cached tokens / Σ prompt tokens (collie_routing_predicted_cached_tokens_total). */
  readonly predicted: number | null;
  /** Σ engine-reported cached_tokens / Σ prompt tokens (collie_routing_reported_cached_tokens_total). */
  readonly reported: number | null;
  /** Σ min(predicted, reported) / Σ predicted (collie_routing_confirmed_cached_tokens_total). */
  readonly precision: number | null;
}

export interface ModelRouting {
  readonly model: string;
  readonly requests: Rate;
  readonly decisions_per_s: number | null;
  /** cache_aware reasons (hit, miss, imbalance, sticky) → rate. */
  readonly by_reason: Readonly<Record<string, Rate>>;
  readonly hit_ratio: HitRatio;
  /** The same, per source of the prediction (events = engine KV events, prediction). */
  readonly hit_ratio_by_source: Readonly<Record<string, HitRatio>>;
  readonly ttft_p50_ms: number | null;
  readonly ttft_p99_ms: number | null;
}

export interface RoutingView {
  /** Worker selections: smg_worker_selection_total. */
  readonly decisions: Rate;
  /** collie_cache_aware_decisions_total by reason (every model). */
  readonly by_reason: Readonly<Record<string, Rate>>;
  /** Selections by policy (smg_worker_selection_total). */
  readonly by_policy: Readonly<Record<string, Rate>>;
  readonly hit_ratio: HitRatio;
  /** smg_router_ttft_seconds over the window, every model. */
  readonly ttft_p50_ms: number | null;
  readonly ttft_p99_ms: number | null;
  /** First tokens observed in the window. */
  readonly ttft_count: number;
  readonly models: readonly ModelRouting[];
}

export interface ClusterNode {
  readonly name: string;
  readonly address: string;
  readonly status: string;
  readonly version: string;
  /** ms since the node's last heartbeat; null when Redis could not say. */
  readonly heartbeat_age_ms: number | null;
  readonly self: boolean;
}

export interface ClusterView {
  readonly node: string;
  readonly redis_connected: boolean;
  readonly nodes: readonly ClusterNode[];
  readonly global_limit: {
    /** POST /ha/rate-limit; null = unlimited. */
    readonly limit_per_second: number | null;
    /** Admissions counted in the current second, cluster-wide. */
    readonly current_count: number;
    /** current_count / limit; null when unlimited. */
    readonly utilization: number | null;
  };
}

export interface PluginModule {
  readonly uuid: string;
  readonly name: string;
  readonly attach_points: readonly string[];
  /** smg_wasm_executions_total by result. */
  readonly executions_total: number;
  readonly failed_total: number;
  readonly timeout_total: number;
  readonly executions_per_s: number | null;
}

export interface PluginsView {
  readonly modules: readonly PluginModule[];
  readonly executions_total: number;
  readonly failures_total: number;
}

export interface TokenizerView {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly vocab_size: number;
}
