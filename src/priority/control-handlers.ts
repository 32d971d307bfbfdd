import type { ControlHandlers } from '../cluster/control-protocol';
import type { SchedulerService } from './service';

type SchedOp = 'sched-admit' | 'sched-cancel' | 'sched-release' | 'sched-decline' | 'sched-events';

const DONE = Promise.resolve(null);

/**
 * The primary's answers to the scheduler ops. Without a scheduler here (disabled, or the
 * ingress processes use Redis) an admission answers 'closed' (a 500, as a broken limiter).
 */
export function schedHandlers(s: SchedulerService | undefined): Pick<ControlHandlers, SchedOp> {
  if (!s) {
    return {
      'sched-admit': () => Promise.resolve('closed'),
      'sched-cancel': () => DONE,
      'sched-release': () => DONE,
      'sched-decline': () => DONE,
      'sched-events': () => Promise.resolve([]),
    };
  }
  return {
    'sched-admit': ({ ticket, cls }, peer) => s.admit(peer, ticket, cls),
    'sched-cancel': ({ ticket }, peer) => {
      s.cancel(peer, ticket);
      return DONE;
    },
    'sched-release': ({ ticket }, peer) => {
      s.release(peer, ticket);
      return DONE;
    },
    'sched-decline': ({ ticket }, peer) => {
      s.decline(peer, ticket);
      return DONE;
    },
    'sched-events': (_, peer) => s.events(peer),
  };
}
