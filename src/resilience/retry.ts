/**
 * Per-request retries (SMG `routers/common/retry.rs`, spec §5.3.5): which statuses retry, the
 * backoff between attempts, and a generic loop that re-runs worker selection per attempt.
 */
import type { Rng } from '../util/rng';

/** Statuses SMG retries on, and the default per-worker circuit-breaker failure set. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(
  status: number,
  set: ReadonlySet<number> = RETRYABLE_STATUSES,
): boolean {
  return set.has(status);
}

export interface BackoffConfig {
  /** Delay before the first retry, ms. Default 50. */
  readonly initialBackoffMs: number;
  /** Cap on the un-jittered delay, ms. Default 30000. */
  readonly maxBackoffMs: number;
  /** Growth factor per failed attempt. Default 1.5. */
  readonly multiplier: number;
  /** Relative jitter, clamped to [0, 1]; the delay moves by up to ±jitter × base. Default 0.2. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF = {
  initialBackoffMs: 50,
  maxBackoffMs: 30_000,
  multiplier: 1.5,
  jitter: 0.2,
} as const satisfies BackoffConfig;

/** `--retry-max-retries` default: the number of *total* attempts, not extra ones. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** SMG treats `max_retries < 1` as 1 (a u32, so fractions floor and the top is 2^32 − 1). */
export function normalizeMaxAttempts(n: number): number {
  if (Number.isNaN(n) || n < 1) return 1;
  return Math.floor(Math.min(n, 0xffff_ffff));
}

/** Rust's f32::round: half away from zero (Math.round rounds −2.5 to −2). */
function roundHalfAwayFromZero(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * Delay in whole ms before the attempt after failed attempt `attemptIndex` (0-based), exactly as
 * SMG's `BackoffCalculator::calculate_delay` computes it, f32 arithmetic included:
 *   base  = min(trunc(initial × multiplier^k), max)          — truncated to integer ms
 *   delay = max(0, base + round(base × U(−j, +j)))           — only when j > 0
 * So the un-jittered sequence for the defaults is 50, 75, 112, 168, 253, … (112.5 truncates).
 */
export function backoffMs(attemptIndex: number, cfg: BackoffConfig, rng: Rng): number {
  const pow = Math.fround(cfg.multiplier ** attemptIndex);
  const raw = Math.trunc(Math.fround(Math.fround(cfg.initialBackoffMs) * pow));
  // `as u64` saturates: NaN → 0, overflow → u64::MAX (then capped below).
  const base = Math.min(Number.isNaN(raw) ? 0 : raw, cfg.maxBackoffMs);
  const jitter = Math.min(Math.max(cfg.jitter, 0), 1);
  if (!(jitter > 0)) return base;
  const scale = Math.fround(-jitter + 2 * jitter * rng());
  const jitterMs = Math.max(roundHalfAwayFromZero(Math.fround(base * scale)), -base);
  return Math.max(0, base + jitterMs);
}

/**
 * One attempt's outcome. Return 'done' for anything that must reach the client as-is — a success,
 * a non-retryable status, and *any* response whose first byte was already sent (that is how the
 * caller guarantees no retry after the head went out). Return 'retry' for a retryable response
 * that has not been relayed; `value` is what the client gets if no attempt is left.
 */
export type AttemptResult<T> =
  | { readonly kind: 'done'; readonly value: T }
  | {
      readonly kind: 'retry';
      /** Worker that produced the failure; later attempts are asked to avoid it. */
      readonly workerId?: string;
      readonly value: T;
    };

/** An AbortSignal, or anything else that knows whether the request was aborted. */
export interface AbortLike {
  readonly aborted: boolean;
}

export interface RetryOptions<T> {
  /** Total attempts (already normalised or not: it goes through normalizeMaxAttempts). */
  readonly maxAttempts: number;
  readonly backoff: BackoffConfig;
  readonly rng: Rng;
  /** Wait `ms`; should reject (or resolve early) when `signal` aborts. */
  sleep(ms: number, signal?: AbortLike): Promise<void>;
  /**
   * Run attempt `k` (0-based). `excluded` holds the ids of workers that already failed this
   * request; it is live (grows between attempts), so read it during selection and don't keep it.
   * Exclusion is a preference: when it would leave no candidate, select among all workers
   * (SMG re-selects without exclusion, and a 503 no_available_workers is itself retried).
   * A thrown error propagates unchanged.
   */
  attempt(k: number, excluded: ReadonlySet<string>): Promise<AttemptResult<T>>;
  /** Client gone (or deadline): stop before the next attempt and return the last value. */
  readonly signal?: AbortLike;
  /** Called before each sleep (for `smg_worker_retry_backoff_seconds{attempt}`). */
  onBackoff?(delayMs: number, nextAttempt: number): void;
}

export interface RetryResult<T> {
  readonly value: T;
  /** Attempts that ran (≥ 1). */
  readonly attempts: number;
  /** The last attempt asked for a retry and none was left (SMG's retries-exhausted metric). */
  readonly exhausted: boolean;
  /** Stopped early because `signal` aborted; `value` is the last attempt's. */
  readonly aborted: boolean;
}

/** A function, not an inline check: TS would keep `aborted` narrowed to false across awaits. */
function isAborted(signal: AbortLike | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Attempt, back off, re-attempt. The first attempt always runs (abort is checked between
 * attempts), so there is always a value to return.
 */
export async function runWithRetries<T>(opts: RetryOptions<T>): Promise<RetryResult<T>> {
  const max = normalizeMaxAttempts(opts.maxAttempts);
  const excluded = new Set<string>();
  const { signal } = opts;
  for (let k = 0; ; k++) {
    const r = await opts.attempt(k, excluded);
    const attempts = k + 1;
    if (r.kind === 'done') return { value: r.value, attempts, exhausted: false, aborted: false };
    if (r.workerId !== undefined) excluded.add(r.workerId);
    if (attempts >= max) return { value: r.value, attempts, exhausted: true, aborted: false };
    const stopped = { value: r.value, attempts, exhausted: false, aborted: true };
    if (isAborted(signal)) return stopped;
    const delay = backoffMs(k, opts.backoff, opts.rng);
    opts.onBackoff?.(delay, k + 1);
    try {
      await opts.sleep(delay, signal);
    } catch (err) {
      if (isAborted(signal)) return stopped;
      throw err;
    }
    if (isAborted(signal)) return stopped;
  }
}
