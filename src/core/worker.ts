/** Worker (engine) model shared by the registry, policies and the proxy. */
import type { ModelCard } from './model-card';

export const WORKER_STATUSES = ['pending', 'ready', 'not_ready', 'failed', 'draining'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** SMG's worker_type (encode is gRPC-only, not served by collie). */
export const WORKER_TYPES = ['regular', 'prefill', 'decode'] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** Per-worker health-check overrides (SMG HealthCheckUpdate). */
export interface HealthOverrides {
  readonly timeoutSecs?: number;
  readonly checkIntervalSecs?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
  readonly disableHealthCheck?: boolean;
  readonly drainSettleSecs?: number;
}

export interface Worker {
  /** UUIDv7, reserved per URL. */
  readonly id: string;
  /** Base URL, no trailing slash (e.g. http://127.0.0.1:8000). */
  readonly url: string;
  /** Canonical model id served by this worker ("unknown" when discovery found none). */
  readonly modelId: string;
  /** SMG's model card of `modelId`, built at registration (GET /workers `models`). */
  readonly modelCard?: ModelCard;
  readonly labels: Readonly<Record<string, string>>;
  readonly runtimeType: string;
  readonly priority: number;
  readonly cost: number;
  readonly status: WorkerStatus;
  /** Instance-wide circuit-breaker state (owned by the primary). */
  readonly circuit: CircuitState;
  /** Sent upstream as `Authorization: Bearer <key>`; never serialised in API answers. */
  readonly apiKey?: string;
  readonly health: HealthOverrides;
  readonly maxConnectionAttempts: number;
  /** PD role; absent = regular. */
  readonly workerType?: WorkerType;
  /** PD prefill: the engine's KV bootstrap port (null/absent: none given). */
  readonly bootstrapPort?: number | null;
  /** Bumped on every change; replicas apply a snapshot only if its revision is newer. */
  readonly revision: number;
}

/**
 * The workers of one model as a policy sees them. Built by the router when the registry
 * or availability changes — never per request — so a decision never copies the fleet.
 */
export interface WorkerSet {
  /** Canonical model id this set serves ("*" for the any-model set). */
  readonly model: string;
  /** Every registered worker of the model in registry order (X-SMG-Target-Worker indexes this). */
  readonly all: readonly Worker[];
  /** The subset that may take traffic (status ready; circuit closed in a later issue). */
  readonly available: readonly Worker[];
  /** Bumped whenever `all` or `available` changes. */
  readonly version: number;
}
