import type { PriorityClass } from './classes';
import { holdsSlot, type PreemptRequest, type SchedOutcome, type SchedulerCore } from './core';

/** A preemption request as it travels to the ingress process that owns the victim. */
export interface PreemptEvent {
  readonly ticket: string;
  readonly victim: PriorityClass;
  readonly by: PriorityClass;
}

/** How long an ingress process's `sched-events` call is held open with nothing to say, ms. */
export const EVENTS_POLL_MS = 20_000;

/**
 * The instance-wide scheduler in the primary (no --redis-url): the core, driven by the
 * control-protocol ops of the ingress processes (each process is an owner). Preemption
 * requests reach their process through a long poll (`sched-events`): the call is answered as
 * soon as there is one, or empty after EVENTS_POLL_MS, and the process calls again.
 */
export class SchedulerService {
  private readonly waiting = new Map<string, AbortController>();
  private readonly inbox = new Map<string, PreemptEvent[]>();
  private readonly parked = new Map<
    string,
    { wake: (e: PreemptEvent[]) => void; timer: NodeJS.Timeout }
  >();
  readonly core: SchedulerCore;

  constructor(makeCore: (onPreempt: (p: PreemptRequest) => void) => SchedulerCore) {
    this.core = makeCore((p) =>
      this.push(p.owner, { ticket: p.ticket, victim: p.victim, by: p.by }),
    );
  }

  async admit(peer: string, ticket: string, cls: PriorityClass): Promise<SchedOutcome> {
    const ac = new AbortController();
    const key = `${peer}\n${ticket}`;
    this.waiting.set(key, ac);
    const r = await this.core.admit(peer, ticket, cls, ac.signal);
    this.waiting.delete(key);
    if (holdsSlot(r) && ac.signal.aborted) {
      this.core.release(peer, ticket); // the client left between grant and delivery
      return 'aborted';
    }
    return r;
  }

  /** The client of a queued (or just admitted) request left. */
  cancel(peer: string, ticket: string): void {
    const ac = this.waiting.get(`${peer}\n${ticket}`);
    if (ac) ac.abort();
    else this.core.release(peer, ticket);
  }

  release(peer: string, ticket: string): void {
    this.core.release(peer, ticket);
  }

  decline(peer: string, ticket: string): void {
    this.core.decline(peer, ticket);
  }

  /** The next preemption requests for `peer` (empty after EVENTS_POLL_MS). */
  events(peer: string): Promise<PreemptEvent[]> {
    const queued = this.inbox.get(peer);
    if (queued && queued.length > 0) {
      this.inbox.delete(peer);
      return Promise.resolve(queued);
    }
    this.unpark(peer, []); // one poll per process: a newer call replaces an older one
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.unpark(peer, []), EVENTS_POLL_MS);
      timer.unref();
      this.parked.set(peer, { wake: resolve, timer });
    });
  }

  peerGone(peer: string): void {
    for (const [key, ac] of this.waiting) if (key.startsWith(`${peer}\n`)) ac.abort();
    this.core.ownerGone(peer);
    this.inbox.delete(peer);
    this.unpark(peer, []);
  }

  close(): void {
    this.core.close();
    for (const peer of [...this.parked.keys()]) this.unpark(peer, []);
  }

  private push(peer: string, e: PreemptEvent): void {
    const p = this.parked.get(peer);
    if (p) {
      this.unpark(peer, [e]);
      return;
    }
    const q = this.inbox.get(peer) ?? [];
    q.push(e);
    this.inbox.set(peer, q);
  }

  private unpark(peer: string, events: PreemptEvent[]): void {
    const p = this.parked.get(peer);
    if (!p) return;
    this.parked.delete(peer);
    clearTimeout(p.timer);
    p.wake(events);
  }
}
