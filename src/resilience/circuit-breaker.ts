/**
 * Per-worker circuit breaker (SMG `worker/circuit_breaker.rs`, spec §6.4), pure and synchronous.
 *
 * Semantics follow SMG: outcomes are counted as *consecutive* runs; any success resets the
 * failure run and any failure resets the success run. Closed → open when the failure run reaches
 * `failureThreshold`; open → half_open lazily, on the first state read after `openTimeoutMs`
 * (both runs reset); half_open → open on any failure; half_open → closed after
 * `successThreshold` consecutive successes. SMG's `window_duration_secs` is configured but never
 * used by its state machine, so there is no window here.
 *
 * One deliberate difference: SMG's half-open state admits all traffic, so a still-broken worker
 * is hit by the full request rate the moment the timeout elapses. Here half-open admits at most
 * `halfOpenMaxProbes` concurrent requests ("probes"), and only verdicts of probes issued in the
 * current half-open period decide recovery. A request admitted before the breaker opened that
 * finishes during half-open (it may have been stuck for up to the request timeout) describes the
 * worker as it was, so its verdict is counted in the totals only.
 *
 * Timing uses `clock.monotonic()`; there are no timers.
 */
import { CIRCUIT_STATES, type CircuitState } from '../core/worker';
import type { Clock } from '../util/clock';

export type { CircuitState };

export interface CircuitBreakerConfig {
  /** Consecutive failures that open a closed breaker. CLI default 10. */
  readonly failureThreshold: number;
  /** Consecutive half-open successes that close the breaker. CLI default 3. */
  readonly successThreshold: number;
  /** Time an open breaker waits before admitting probes, in ms. CLI default 60000. */
  readonly openTimeoutMs: number;
  /** Concurrent requests admitted while half-open. Default 1. */
  readonly halfOpenMaxProbes?: number;
  /**
   * `--disable-circuit-breaker`: like SMG, the failure threshold becomes infinite, so the breaker
   * never opens on its own; `force()`/`restore()` still apply.
   */
  readonly disabled?: boolean;
}

export const DEFAULT_CIRCUIT_BREAKER_CONFIG = {
  failureThreshold: 10,
  successThreshold: 3,
  openTimeoutMs: 60_000,
  halfOpenMaxProbes: 1,
} as const satisfies CircuitBreakerConfig;

/**
 * Admission ticket for one request. Settle it exactly once: `success()`/`failure()` with the
 * verdict (failure iff the status is in the worker's retryable set), or `cancel()` when the
 * request ended without a verdict (client abort before a response) — cancel only frees a
 * half-open probe slot. Calls after the first are ignored, so a `finally { permit.cancel() }`
 * after a verdict is safe.
 */
export interface CbPermit {
  success(): void;
  failure(): void;
  cancel(): void;
}

export interface CircuitCounters {
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly totalFailures: number;
  readonly totalSuccesses: number;
  /** Half-open probes admitted and not yet settled (0 outside half_open). */
  readonly probesInFlight: number;
}

/**
 * State to replicate from the owning process to replicas. `openRemainingMs` is a duration, not a
 * timestamp, because `monotonic()` origins differ between processes; the receiver re-anchors it on
 * its own clock (the IPC latency is the error). Totals stay local (each process counts what it saw).
 */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** Time left before an open breaker admits probes, ms; 0 unless `state` is 'open'. */
  readonly openRemainingMs: number;
}

export type TransitionListener = (from: CircuitState, to: CircuitState) => void;

export interface CircuitBreaker {
  /** Current state; an open breaker whose timeout elapsed flips to half_open here. */
  state(): CircuitState;
  /** True when `acquire()` would currently return a permit. */
  canExecute(): boolean;
  /** What the router calls per attempt: a permit, or undefined to skip this worker. */
  acquire(): CbPermit | undefined;
  /**
   * Apply a verdict that did not come through a local permit (e.g. forwarded by another process
   * that held the permit). While half-open it counts as a probe verdict.
   */
  recordSuccess(): void;
  recordFailure(): void;
  /** Called synchronously after each state change; returns an unsubscribe function. */
  onTransition(listener: TransitionListener): () => void;
  counters(): CircuitCounters;
  snapshot(): CircuitSnapshot;
  /** Adopt a snapshot from the owner; fires listeners when the state changes. */
  restore(snapshot: CircuitSnapshot): void;
  /** Admin override: 'closed' resets, 'open' starts a fresh open period, 'half_open' admits probes. */
  force(state: CircuitState): void;
}

interface PermitRecord {
  done: boolean;
  /** Issued as a half-open probe in epoch `epoch`. */
  readonly probe: boolean;
  readonly epoch: number;
}

type Verdict = 'success' | 'failure' | 'cancel';

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`circuit breaker: ${name} must be an integer >= 1, got ${String(v)}`);
  }
}

function validate(cfg: CircuitBreakerConfig): void {
  checkPositiveInt('failureThreshold', cfg.failureThreshold);
  checkPositiveInt('successThreshold', cfg.successThreshold);
  checkPositiveInt('halfOpenMaxProbes', cfg.halfOpenMaxProbes ?? 1);
  if (!Number.isFinite(cfg.openTimeoutMs) || cfg.openTimeoutMs <= 0) {
    throw new RangeError(
      `circuit breaker: openTimeoutMs must be a finite number > 0, got ${String(cfg.openTimeoutMs)}`,
    );
  }
}

export function createCircuitBreaker(cfg: CircuitBreakerConfig, clock: Clock): CircuitBreaker {
  validate(cfg);
  const failureThreshold = cfg.disabled === true ? Infinity : cfg.failureThreshold;
  const { successThreshold, openTimeoutMs } = cfg;
  const maxProbes = cfg.halfOpenMaxProbes ?? 1;
  const listeners = new Set<TransitionListener>();

  let current: CircuitState = 'closed';
  /** Bumped on every transition; probe permits of an older epoch no longer hold a slot. */
  let epoch = 0;
  let changedAt = clock.monotonic();
  let failures = 0;
  let successes = 0;
  let totalFailures = 0;
  let totalSuccesses = 0;
  let probesInFlight = 0;

  function transition(to: CircuitState): void {
    const from = current;
    if (from === to) return;
    current = to;
    epoch++;
    probesInFlight = 0;
    changedAt = clock.monotonic();
    // Counter resets mirror SMG's transition_to: opening keeps the failure run.
    successes = 0;
    if (to !== 'open') failures = 0;
    for (const l of [...listeners]) l(from, to);
  }

  function resolve(): CircuitState {
    if (current === 'open' && clock.monotonic() - changedAt >= openTimeoutMs) {
      transition('half_open');
    }
    return current;
  }

  function applySuccess(): void {
    failures = 0;
    successes++;
    if (current === 'half_open' && successes >= successThreshold) transition('closed');
  }

  function applyFailure(): void {
    successes = 0;
    failures++;
    if (current === 'half_open') transition('open');
    else if (current === 'closed' && failures >= failureThreshold) transition('open');
  }

  function apply(verdict: 'success' | 'failure'): void {
    if (verdict === 'success') {
      totalSuccesses++;
      applySuccess();
    } else {
      totalFailures++;
      applyFailure();
    }
  }

  function settle(p: PermitRecord, verdict: Verdict): void {
    if (p.done) return;
    p.done = true;
    const currentProbe = p.probe && p.epoch === epoch;
    if (currentProbe) probesInFlight--;
    if (verdict === 'cancel') return;
    // Like SMG's record_*, read the raw state: no lazy open → half_open flip here.
    if (current === 'half_open' && !currentProbe) {
      if (verdict === 'success') totalSuccesses++;
      else totalFailures++;
      return;
    }
    apply(verdict);
  }

  function makePermit(probe: boolean): CbPermit {
    const rec: PermitRecord = { done: false, probe, epoch };
    return {
      success: () => settle(rec, 'success'),
      failure: () => settle(rec, 'failure'),
      cancel: () => settle(rec, 'cancel'),
    };
  }

  function acquire(): CbPermit | undefined {
    const s = resolve();
    if (s === 'closed') return makePermit(false);
    if (s === 'half_open' && probesInFlight < maxProbes) {
      probesInFlight++;
      return makePermit(true);
    }
    return undefined;
  }

  function restore(snap: CircuitSnapshot): void {
    if (!CIRCUIT_STATES.includes(snap.state)) {
      throw new TypeError(`circuit breaker: unknown state ${String(snap.state)}`);
    }
    transition(snap.state);
    failures = snap.consecutiveFailures;
    successes = snap.consecutiveSuccesses;
    if (snap.state === 'open') {
      const remaining = Math.min(Math.max(snap.openRemainingMs, 0), openTimeoutMs);
      changedAt = clock.monotonic() - (openTimeoutMs - remaining);
    }
  }

  return {
    state: resolve,
    canExecute: () => {
      const s = resolve();
      return s === 'closed' || (s === 'half_open' && probesInFlight < maxProbes);
    },
    acquire,
    recordSuccess: () => apply('success'),
    recordFailure: () => apply('failure'),
    onTransition(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    counters: () => ({
      consecutiveFailures: failures,
      consecutiveSuccesses: successes,
      totalFailures,
      totalSuccesses,
      probesInFlight,
    }),
    snapshot: () => {
      const s = resolve();
      const remaining = s === 'open' ? openTimeoutMs - (clock.monotonic() - changedAt) : 0;
      return {
        state: s,
        consecutiveFailures: failures,
        consecutiveSuccesses: successes,
        openRemainingMs: Math.max(0, remaining),
      };
    },
    restore,
    force: (state) => {
      if (state === 'closed') {
        failures = 0;
        successes = 0;
      }
      transition(state);
    },
  };
}
