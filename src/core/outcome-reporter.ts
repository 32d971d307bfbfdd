import type { ControlClient } from '../cluster/control-protocol';

/** Outcomes of finished attempts per worker, in order: 'S' success, 'F' failure. */
export type OutcomeBatch = Record<string, string>;

/**
 * Ships request outcomes to the instance's circuit breakers (in the primary) in batches;
 * order per worker is kept, which the breaker's consecutive counts need. A batch holding a
 * failure (or an outcome of a worker whose circuit is not closed) leaves within `urgentMs`;
 * successes of healthy workers, which change no circuit, wait up to `idleMs`: each batch is
 * an IPC write that wakes the primary, and at full load most batches are all successes.
 */
export interface OutcomeReporter {
  /** `urgent`: the worker's circuit is not closed, so a success may close it. */
  record(workerId: string, success: boolean, urgent?: boolean): void;
  close(): void;
}

export function createOutcomeReporter(
  control: ControlClient,
  urgentMs = 5,
  idleMs = 100,
): OutcomeReporter {
  let batch: OutcomeBatch = {};
  let timer: NodeJS.Timeout | undefined;
  let dueUrgent = false;
  const flush = (): void => {
    timer = undefined;
    dueUrgent = false;
    const b = batch;
    batch = {};
    control.call('cb-outcomes', b).catch(() => undefined); // the primary may be shutting down
  };
  return {
    record(workerId, success, urgent = false) {
      batch[workerId] = (batch[workerId] ?? '') + (success ? 'S' : 'F');
      if ((!success || urgent) && !dueUrgent) {
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, urgentMs);
        dueUrgent = true;
      } else timer ??= setTimeout(flush, idleMs);
    },
    close() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
    },
  };
}
