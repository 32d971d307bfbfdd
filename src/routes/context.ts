import type { Router } from '../core/router';
import type { LoadTracker } from '../core/load-tracker';
import type { EngineClients, PipelineDeps, Stage } from '../dispatch';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import type { Clock } from '../util/clock';
import type { RpcClient } from '../cluster/rpc';
import type { GatewayMetrics } from '../metrics';
import type { Auth } from '../auth';
import type { Rng } from '../util/rng';
import type { OutcomeReporter } from '../core/outcome-reporter';
import type { Worker } from '../core/worker';
import type { SharedPrefixRouting } from '../routing/prefix-routing';
import type { IngressWasm } from '../plugins/wasm/ingress';
import type { GlobalLimiter } from '../ha/global-limit';
import type { TenantLimiter } from '../ha/tenant-limits';
import type { PdDeps } from '../dispatch/pd/pipeline';
import type { PromptTokens } from '../kv-events/prompt-tokens';
import type { PriorityGate } from '../priority/gate';

/** Everything a route handler may use; built once per ingress process. */
export interface RouteContext {
  readonly router: Router;
  readonly loads: LoadTracker;
  /** One engine client per worker: every call to an engine goes through it. */
  readonly engines: EngineClients;
  /** The request pipeline's dependencies, built once per process. */
  readonly dispatch: PipelineDeps;
  /** Pipeline stages every inference route runs (WASM middleware, parsers…), in order. */
  readonly stages: readonly Stage[];
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Control-plane calls answered by the primary (or in-process in single mode). */
  readonly control: RpcClient;
  /** Set when a graceful shutdown began (readiness turns 503). */
  readonly lifecycle: { draining: boolean };
  readonly metrics: GatewayMetrics;
  readonly auth: Auth;
  readonly rng: Rng;
  /** Circuit-breaker outcomes, batched to the primary. */
  readonly outcomes: OutcomeReporter;
  /** Half-open probe limit of this process. */
  readonly admitProbe: (w: Worker) => (() => void) | undefined;
  /** PD disaggregation (--pd-disaggregation): the two pools and their dispatch. */
  readonly pd?: PdDeps;
  /** The shared prefix index (cache_aware only). */
  readonly prefix?: SharedPrefixRouting;
  /** WASM middleware of this process (--enable-wasm only). */
  readonly wasm?: IngressWasm;
  /** The cluster-wide rate limit (with --redis-url). */
  readonly globalLimit?: GlobalLimiter;
  /** The priority scheduler (--priority-scheduler-enabled), cluster-wide with --redis-url. */
  readonly priority?: PriorityGate;
  /** Tenant budgets (--tenant-rate-limit-enabled), cluster-wide with --redis-url. */
  readonly tenantLimit?: TenantLimiter;
  /** A request's prompt → the engine's exact token ids (cache_aware only; kv-events/prompt-tokens.ts). */
  readonly promptTokens?: PromptTokens;
}
