import type { Clock } from '../util/clock';
import type { Rng } from '../util/rng';
import type { Worker, WorkerSet } from '../core/worker';

export const POLICY_NAMES = [
  'random',
  'round_robin',
  'power_of_two',
  'least_load',
  'consistent_hashing',
  'manual',
  'passthrough',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const ASSIGNMENT_MODES = ['random', 'min_load', 'min_group'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/** What a policy may know about a request. */
export interface RequestInfo {
  /** Header lookup; `name` is lower-case. */
  header(name: string): string | undefined;
  /** Text used for routing (prompt / message text / query); may be empty. */
  readonly routingText: string;
}

/** Cluster-wide in-flight request count per worker (own live count + other processes' reports). */
export interface LoadView {
  get(workerId: string): number;
  /** Engine-reported KV usage 0..1 from the load monitor, when known. */
  engineUsage?(workerId: string): number | undefined;
}

export interface PolicyDeps {
  readonly rng: Rng;
  readonly clock: Clock;
  readonly loads: LoadView;
  /** 64-bit hash used for hash rings (the native addon's hash64 in production). */
  readonly hash64: (key: string) => bigint;
}

export interface PolicyOptions {
  /** manual: how a new routing key is assigned. Default 'random'. */
  readonly assignmentMode: AssignmentMode;
  /** manual: idle sticky entries are dropped after this many seconds. Default 14400. */
  readonly maxIdleSecs: number;
  /** manual: how often idle entries are swept, seconds. Default 120 (SMG reuses --eviction-interval). */
  readonly evictionIntervalSecs: number;
}

/**
 * One routing policy instance serves one model. Every method must cost O(1) or O(log W)
 * in the number of workers W, except the change hooks, which run off the request path.
 */
export interface Policy {
  readonly name: PolicyName;
  /** Picks a worker from `set.available` (or, for a direct target, `set.all`), or undefined. */
  select(set: WorkerSet, req: RequestInfo): Worker | undefined;
  /** The model's worker set changed (registry or availability); rebuild rings/heaps here. */
  onWorkersChanged?(set: WorkerSet): void;
  /** A worker's cluster-wide in-flight count changed. */
  onLoadChanged?(workerId: string, load: number): void;
  /** Stops timers. */
  close?(): void;
}

export type PolicyFactory = (name: PolicyName, deps: PolicyDeps, opts: PolicyOptions) => Policy;
