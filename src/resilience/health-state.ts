/**
 * Per-worker health state machine driven by active probe results (SMG `worker/manager.rs`,
 * spec §6.3). Pure: the health checker owns the probing and the timers and feeds results here.
 *
 * With S = successThreshold and F = failureThreshold:
 *   - probe ok: failure run := 0, success run += 1; pending/not_ready → ready once run ≥ S.
 *   - probe failed: success run := 0, failure run += 1;
 *       ready → not_ready once run ≥ F; not_ready → failed once run ≥ 3F.
 *     The failure run is not reset by ready → not_ready, so a ready worker fails after 3F
 *     consecutive failed probes in total.
 *   - pending: the 10F-th probe (ok or not) that leaves it short of ready makes it failed
 *     (a worker that never came up, e.g. a wrong URL).
 *   - failed and draining are terminal here: results are ignored (SMG stops probing failed
 *     workers and never probes draining ones; a failed worker comes back only by being
 *     re-registered, i.e. with a new state object).
 */
import type { WorkerStatus } from '../core/worker';

export interface HealthStateConfig {
  /** Consecutive OK probes to become ready (`--health-success-threshold`, default 2). */
  readonly successThreshold: number;
  /** Consecutive failed probes to leave ready (`--health-failure-threshold`, default 3). */
  readonly failureThreshold: number;
  /** 'ready' when health checks are disabled (workers start ready); else 'pending'. */
  readonly initial: 'pending' | 'ready';
}

export const DEFAULT_HEALTH_THRESHOLDS = { successThreshold: 2, failureThreshold: 3 } as const;

export interface HealthCounters {
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** Probes recorded while pending (drives the 10F give-up rule). */
  readonly pendingProbes: number;
}

export interface HealthState {
  status(): WorkerStatus;
  /** Feed one probe result; returns the new status when it changed, else undefined. */
  record(ok: boolean): WorkerStatus | undefined;
  /** Removal started: no more traffic or probes. Returns the new status when it changed. */
  markDraining(): WorkerStatus | undefined;
  counters(): HealthCounters;
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`health state: ${name} must be an integer >= 1, got ${String(v)}`);
  }
}

export function createHealthState(cfg: HealthStateConfig): HealthState {
  checkPositiveInt('successThreshold', cfg.successThreshold);
  checkPositiveInt('failureThreshold', cfg.failureThreshold);
  const S = cfg.successThreshold;
  const F = cfg.failureThreshold;
  let current: WorkerStatus = cfg.initial;
  let successes = 0;
  let failures = 0;
  let pendingProbes = 0;

  function next(ok: boolean): WorkerStatus {
    switch (current) {
      case 'pending':
        if (ok && successes >= S) return 'ready';
        return pendingProbes >= 10 * F ? 'failed' : 'pending';
      case 'not_ready':
        if (ok) return successes >= S ? 'ready' : 'not_ready';
        return failures >= 3 * F ? 'failed' : 'not_ready';
      case 'ready':
        return !ok && failures >= F ? 'not_ready' : 'ready';
      case 'failed':
      case 'draining':
        return current;
    }
  }

  function record(ok: boolean): WorkerStatus | undefined {
    if (current === 'failed' || current === 'draining') return undefined;
    if (ok) {
      failures = 0;
      successes++;
    } else {
      successes = 0;
      failures++;
    }
    if (current === 'pending') pendingProbes++;
    const to = next(ok);
    if (to === current) return undefined;
    current = to;
    return to;
  }

  return {
    status: () => current,
    record,
    markDraining: () => {
      if (current === 'draining') return undefined;
      current = 'draining';
      return current;
    },
    counters: () => ({
      consecutiveSuccesses: successes,
      consecutiveFailures: failures,
      pendingProbes,
    }),
  };
}
