import type { ControlClient } from '../cluster/control-protocol';
import type { Logger } from '../util/logger';
import type { PriorityClass } from './classes';
import type { SchedOutcome } from './core';
import type { SchedulerBackend } from './gate';
import { EVENTS_POLL_MS, type PreemptEvent } from './service';
import type { PrioritySettings } from './settings';

/**
 * The scheduler of one instance, in its primary (or in-process in single mode): admissions
 * are `sched-admit` calls, preemption requests arrive through the `sched-events` long poll.
 */
export function createControlBackend(
  control: ControlClient,
  settings: PrioritySettings,
  logger: Pick<Logger, 'warn'>,
): SchedulerBackend {
  let closed = false;
  const quiet = (): undefined => undefined;
  return {
    async admit(ticket: string, cls: PriorityClass, signal: AbortSignal): Promise<SchedOutcome> {
      const cancel = (): void => void control.call('sched-cancel', { ticket }).catch(quiet);
      signal.addEventListener('abort', cancel, { once: true });
      const waitMs = settings.classes[cls].queueTimeoutSecs * 1000 + 5000;
      try {
        return await control.call('sched-admit', { ticket, cls }, waitMs);
      } catch {
        return 'closed';
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
    release(ticket) {
      control.call('sched-release', { ticket }).catch(quiet);
    },
    decline(ticket) {
      control.call('sched-decline', { ticket }).catch(quiet);
    },
    listen(onPreempt: (e: PreemptEvent) => void) {
      void (async () => {
        while (!closed) {
          try {
            const events = await control.call('sched-events', null, EVENTS_POLL_MS + 10_000);
            for (const e of events) onPreempt(e);
          } catch (err) {
            if (closed || (err as { code?: string }).code === 'rpc_closed') return;
            logger.warn({ err }, 'priority scheduler: preemption poll failed; retrying');
            await new Promise((r) => setTimeout(r, 500).unref());
          }
        }
      })();
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
