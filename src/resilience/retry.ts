/**
 * Per-request retries (SMG `routers/common/retry.rs`, spec §5.3.5): which statuses retry, the
 * backoff between attempts. The retry loop itself is the dispatch pipeline's
 * (src/dispatch/pipeline.ts).
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
