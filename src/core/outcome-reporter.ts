import type { ControlClient } from '../cluster/control-protocol';

/** Outcomes of finished attempts per worker, in order: 'S' success, 'F' failure. */
export type OutcomeBatch = Record<string, string>;

/**
 * Ships request outcomes to the instance's circuit breakers (in the primary) in batches,
 * at most one message per `intervalMs`; order per worker is kept, which the breaker's
 * consecutive counts need.
 */
export interface OutcomeReporter {
  record(workerId: string, success: boolean): void;
  close(): void;
}

export function createOutcomeReporter(control: ControlClient, intervalMs = 5): OutcomeReporter {
  let batch: OutcomeBatch = {};
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const b = batch;
    batch = {};
    control.call('cb-outcomes', b).catch(() => undefined); // the primary may be shutting down
  };
  return {
    record(workerId, success) {
      batch[workerId] = (batch[workerId] ?? '') + (success ? 'S' : 'F');
      timer ??= setTimeout(flush, intervalMs);
    },
    close() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
    },
  };
}
