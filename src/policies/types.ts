import type { Clock } from '../util/clock';
import type { Rng } from '../util/rng';
import type { Worker, WorkerSet } from '../core/worker';

export const POLICY_NAMES = [
  'cache_aware',
  'random',
  'round_robin',
  'power_of_two',
  'least_load',
  'consistent_hashing',
  'manual',
  'passthrough',
  'bucket',
  'prefix_hash',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** --prefill-policy / --decode-policy: SMG's set minus passthrough. */
export const PD_POLICY_NAMES = POLICY_NAMES.filter(
  (p): p is Exclude<PolicyName, 'passthrough'> => p !== 'passthrough',
);
export type PdPolicyName = (typeof PD_POLICY_NAMES)[number];

export const ASSIGNMENT_MODES = ['random', 'min_load', 'min_group'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/** Why a cache-aware decision went where it went (routing transparency headers). */
export interface RoutingDecision {
  readonly reason: 'hit' | 'miss' | 'imbalance' | 'sticky';
  readonly matchedBlocks: number;
  readonly totalBlocks: number;
  /** Whether the match came from engine KV events (exact) or collie's prediction. */
  readonly source?: 'events' | 'prediction';
  /** Tokens per block of this decision when not the gateway's --block-size (the engine's page). */
  readonly blockTokens?: number | undefined;
}

/** What a policy may know about a request. */
export interface RequestInfo {
  /** Header lookup; `name` is lower-case. */
  header(name: string): string | undefined;
  /** Text used for routing (prompt / role-tagged message text / query); may be empty. */
  readonly routingText: string;
  /**
   * The token ids the engine will see for this prompt, when collie knows them exactly
   * (`input_ids`, token-array prompts, a text prompt tokenized as the engine does, or a chat
   * template rendered and tokenized for the model); undefined otherwise. Exact KV-event
   * routing needs them.
   */
  exactTokens?(model: string): Uint32Array | undefined;
}

/** A pick with the reason for it (policies that can explain their choice). */
export interface Choice {
  readonly worker: Worker;
  readonly decision: RoutingDecision;
}

/** The prefix index as a policy sees it: this process's replica, shared by events. */
/** A prompt's blocks and the workers holding a prefix of them, longest match first. */
export interface PrefixLookup {
  readonly totalBlocks: number;
  readonly best: ReadonlyArray<{ readonly workerId: string; readonly blocks: number }>;
}

export interface PrefixRouting {
  /**
   * Chained block hashes of a routing text for a model: over its tokens when a tokenizer is
   * registered for the model, else over its UTF-8 bytes. May be a view valid until the next
   * call.
   */
  hashes(text: string, model: string): BigUint64Array;
  /** Matched leading blocks per worker holding any, best first. */
  match(model: string, hashes: BigUint64Array): PrefixLookup;
  /** Records a routing decision here and shares it with the other processes and instances. */
  record(model: string, workerId: string, hashes: BigUint64Array): void;
  /**
   * The decision hot path: hashes(text, model) and match in one step. recordLookup then
   * records the chosen worker for those blocks; call it before the next lookup.
   */
  lookup(text: string, model: string): PrefixLookup;
  /** record() for the blocks of the last lookup(). */
  recordLookup(model: string, workerId: string): void;
  /** Blocks the index attributes to a worker (spreads new prefixes at equal load). */
  heldBlocks?(workerId: string): number;
  /** lookup() over known prompt token ids (chained at the gateway's block size). */
  lookupTokens?(tokens: Uint32Array, model: string): PrefixLookup;
  /**
   * The exact match from engine KV events for these token ids, when every worker of
   * `available` has live events and the model's page size is known; undefined: predict.
   * Call after lookup(); the next recordLookup then also records the exact blocks.
   */
  lookupExact?(
    tokens: Uint32Array,
    model: string,
    available: readonly Worker[],
  ): (PrefixLookup & { readonly blockTokens: number }) | undefined;
}

/** Cluster-wide in-flight request count per worker (own live count + other processes' reports). */
export interface LoadView {
  get(workerId: string): number;
  /** Engine-reported KV usage 0..1 from the load monitor, when known. */
  engineUsage?(workerId: string): number | undefined;
  /**
   * Prefill work in flight on the worker, cluster-wide: the predicted uncached prefix blocks
   * of requests there that have not received their first byte yet (cache_aware's queue
   * estimate; this process's exactly, other processes' and instances' as last reported).
   */
  pendingBlocks?(workerId: string): number;
  /**
   * Requests this process holds waiting for a connection to the worker at `url`
   * (--engine-max-connections). They are in `get` already; the engine does not see them, so
   * a policy must not prefer the engine's own load figures over `get` while any wait.
   */
  waiting?(workerUrl: string): number;
}

export interface PolicyDeps {
  readonly rng: Rng;
  readonly clock: Clock;
  readonly loads: LoadView;
  /** 64-bit hash used for hash rings (the native addon's hash64 in production). */
  readonly hash64: (key: string) => bigint;
  /** cache_aware only. */
  readonly prefix?: PrefixRouting;
}

export interface PolicyOptions {
  /** manual: how a new routing key is assigned. Default 'random'. */
  readonly assignmentMode: AssignmentMode;
  /** manual: idle sticky entries are dropped after this many seconds. Default 14400. */
  readonly maxIdleSecs: number;
  /** manual: how often idle entries are swept, seconds. Default 120 (SMG reuses --eviction-interval). */
  readonly evictionIntervalSecs: number;
  /** cache_aware (SMG flags); optional so other policies' callers need not set them. */
  readonly cacheAware?: CacheAwareOptions;
  /** prefix_hash: --prefix-token-count, --prefix-hash-load-factor. */
  readonly prefixHash?: { readonly prefixTokenCount: number; readonly loadFactor: number };
}

export interface CacheAwareOptions {
  /** A hit needs matched/total > this. SMG default 0.3. */
  readonly cacheThreshold: number;
  /** Imbalance when max−min load > this … SMG default 64. */
  readonly balanceAbsThreshold: number;
  /** … and max > this × min. SMG default 1.5. */
  readonly balanceRelThreshold: number;
  /** 'collie' (load-aware holder choice, affinity kept near min load) or 'smg' (faithful). */
  readonly mode: 'collie' | 'smg';
}

/**
 * One routing policy instance serves one model. Every method must cost O(1) or O(log W)
 * in the number of workers W, except the change hooks, which run off the request path.
 */
export interface Policy {
  readonly name: PolicyName;
  /** Picks a worker from `set.available` (or, for a direct target, `set.all`), or undefined. */
  select(set: WorkerSet, req: RequestInfo): Worker | undefined;
  /** select() with the reason, as a value; the router prefers it when present. */
  decide?(set: WorkerSet, req: RequestInfo): Choice | undefined;
  /** The model's worker set changed (registry or availability); rebuild rings/heaps here. */
  onWorkersChanged?(set: WorkerSet): void;
  /** A worker's cluster-wide in-flight count changed. */
  onLoadChanged?(workerId: string, load: number): void;
  /** Stops timers. */
  close?(): void;
}

export type PolicyFactory = (name: PolicyName, deps: PolicyDeps, opts: PolicyOptions) => Policy;
