import type { Clock } from '../util/clock';
import type { AdmissionTimers } from '../resilience/admission';
import { classOfRank, classRank, PRIORITY_CLASSES, type PriorityClass } from './classes';
import type { PrioritySettings } from './settings';
import { reservationsFor, slotsAvailableTo, total, zeroes, type PerClass } from './slots';

/**
 * How an admission ended. 'admitted' (at once), 'waited' (after queueing) or 'promoted'
 * (after queueing, past the reservations because it starved) — hold the slot until
 * `release`. 'queue_full' → 429, 'timeout' → 408, 'aborted' — the caller's signal fired
 * while waiting, 'closed' — the scheduler stopped.
 */
export type SchedOutcome =
  'admitted' | 'waited' | 'promoted' | 'queue_full' | 'timeout' | 'aborted' | 'closed';

export const SCHED_OUTCOMES = [
  'admitted',
  'waited',
  'promoted',
  'queue_full',
  'timeout',
  'aborted',
  'closed',
] as const satisfies readonly SchedOutcome[];

/** The request holds a slot. */
export function holdsSlot(r: SchedOutcome): r is 'admitted' | 'waited' | 'promoted' {
  return r === 'admitted' || r === 'waited' || r === 'promoted';
}

/** Ask `owner` to preempt its request `ticket` (of class `victim`) for a `by` request. */
export interface PreemptRequest {
  readonly owner: string;
  readonly ticket: string;
  readonly victim: PriorityClass;
  readonly by: PriorityClass;
}

export interface SchedulerCoreOptions {
  readonly settings: PrioritySettings;
  /** Total slots, read at every decision (the caller caches it). */
  readonly capacity: () => number;
  readonly clock: Clock;
  readonly timers: AdmissionTimers;
  /** A victim was chosen: its owner answers it 503 (or `decline`s, if it already started). */
  readonly onPreempt: (p: PreemptRequest) => void;
}

/**
 * SMG's priority scheduler (§9.2, `middleware/scheduler/engine.rs`) as an in-memory
 * authority with no I/O: one per instance (in the primary), and the fallback of the Redis
 * scheduler. Requests are named by (owner, ticket); an owner is an ingress process.
 *
 *  - A request takes a slot at once when one is free for its class (capacity minus what is
 *    in use minus the unused reservations of higher classes) and no request of its class or
 *    above is queued; else it waits in its class's FIFO (full → queue_full).
 *  - A freed slot goes to the highest class whose head may take it; first, though, a head of
 *    bulk/default/interactive older than its starvation threshold takes any free slot,
 *    reservations ignored ('promoted').
 *  - A queued request of a class that may preempt, finding no slot, asks the owner of one
 *    lower-class request that has not sent its first byte (the lowest class, the newest) to
 *    preempt it — at most one request per admission, and no more outstanding requests than
 *    blocked preemptors. The owner decides (only it knows whether the first byte left): it
 *    answers 503 and `release`s, or `decline`s. The freed slot is not reserved for the
 *    preemptor; the highest waiting class gets it.
 */
export interface SchedulerCore {
  admit(
    owner: string,
    ticket: string,
    cls: PriorityClass,
    signal?: AbortSignal,
  ): Promise<SchedOutcome>;
  release(owner: string, ticket: string): void;
  /** The victim had already sent its first byte: it keeps its slot for good. */
  decline(owner: string, ticket: string): void;
  /** The request sent its first byte (a hint: it is no longer chosen as a victim). */
  firstByte(owner: string, ticket: string): void;
  /** An owner went away: its waiters resolve 'aborted', its slots return. */
  ownerGone(owner: string): void;
  /** Re-evaluate the queues (call when the capacity grew). */
  poke(): void;
  inUse(): PerClass;
  queued(): PerClass;
  close(): void;
}

interface Lease {
  readonly owner: string;
  readonly ticket: string;
  readonly rank: number;
  readonly at: number;
  firstByte: boolean;
  preempting: boolean;
}

interface Waiter {
  readonly key: string;
  readonly owner: string;
  readonly ticket: string;
  readonly rank: number;
  readonly at: number;
  settled: boolean;
  readonly resolve: (r: SchedOutcome) => void;
  timer: unknown;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** A FIFO with lazy deletion: settled waiters stay until they reach the head. */
class Fifo {
  private items: Waiter[] = [];
  private head = 0;
  push(w: Waiter): void {
    this.items.push(w);
  }
  peek(): Waiter | undefined {
    while (this.head < this.items.length && this.items[this.head]?.settled === true) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }
}

const keyOf = (owner: string, ticket: string): string => `${owner}\n${ticket}`;

export function createSchedulerCore(o: SchedulerCoreOptions): SchedulerCore {
  const cfg = PRIORITY_CLASSES.map((c) => o.settings.classes[c]);
  const leases = new Map<string, Lease>();
  const waiters = new Map<string, Waiter>();
  const queues = [new Fifo(), new Fifo(), new Fifo(), new Fifo()];
  const live = zeroes();
  const inUse = zeroes();
  let preempting = 0;
  let closed = false;
  let starveTimer: unknown;
  let reserved = { capacity: -1, slots: zeroes() };

  const now = (): number => o.clock.monotonic();
  function limits(): { capacity: number; slots: PerClass } {
    const capacity = o.capacity();
    if (capacity !== reserved.capacity) {
      reserved = { capacity, slots: reservationsFor(o.settings, capacity) };
    }
    return reserved;
  }
  const available = (rank: number): number => {
    const l = limits();
    return slotsAvailableTo(inUse, l.slots, l.capacity, rank);
  };
  const blocked = (rank: number): boolean => live.slice(rank).some((n) => n > 0);

  function grant(owner: string, ticket: string, rank: number): void {
    leases.set(keyOf(owner, ticket), {
      owner,
      ticket,
      rank,
      at: now(),
      firstByte: false,
      preempting: false,
    });
    inUse[rank] = (inUse[rank] ?? 0) + 1;
  }

  function settle(w: Waiter, r: SchedOutcome): void {
    w.settled = true;
    waiters.delete(w.key);
    live[w.rank] = (live[w.rank] ?? 0) - 1;
    if (w.timer !== undefined) o.timers.clearTimeout(w.timer);
    w.signal?.removeEventListener('abort', w.onAbort);
    if (holdsSlot(r)) grant(w.owner, w.ticket, w.rank);
    w.resolve(r);
  }

  /** Starved heads first (bulk → interactive), then the highest class with a free slot. */
  function dispatchOne(): boolean {
    const t = now();
    const { capacity } = limits();
    for (let r = 0; r < 3; r++) {
      const head = queues[r]?.peek();
      const starveMs = (cfg[r]?.starvationThresholdSecs ?? 0) * 1000;
      if (head && t - head.at > starveMs && total(inUse) < capacity) {
        settle(head, 'promoted');
        return true;
      }
    }
    for (let r = 3; r >= 0; r--) {
      const head = queues[r]?.peek();
      if (head && available(r) > 0) {
        settle(head, 'waited');
        return true;
      }
    }
    return false;
  }

  function dispatch(): void {
    if (closed) return;
    while (dispatchOne());
    armStarvation();
  }

  function armStarvation(): void {
    if (starveTimer !== undefined) o.timers.clearTimeout(starveTimer);
    starveTimer = undefined;
    let due = Infinity;
    for (let r = 0; r < 3; r++) {
      const head = queues[r]?.peek();
      if (head) due = Math.min(due, head.at + (cfg[r]?.starvationThresholdSecs ?? 0) * 1000);
    }
    if (due === Infinity || closed) return;
    starveTimer = o.timers.setTimeout(
      () => {
        starveTimer = undefined;
        dispatch();
      },
      Math.max(1, Math.ceil(due - now()) + 1),
    );
  }

  /** The lowest-class, newest request below `rank` that has not started and is not asked. */
  function victimBelow(rank: number): Lease | undefined {
    let best: Lease | undefined;
    for (const l of leases.values()) {
      if (l.rank >= rank || l.firstByte || l.preempting) continue;
      if (!best || l.rank < best.rank || (l.rank === best.rank && l.at >= best.at)) best = l;
    }
    return best;
  }

  function preemptIfNeeded(): void {
    let waiting = 0;
    let top = -1;
    for (let r = 3; r >= 0; r--) {
      if (!cfg[r]?.canPreempt || (live[r] ?? 0) === 0 || available(r) > 0) continue;
      waiting += live[r] ?? 0;
      if (top < 0) top = r;
    }
    if (waiting <= preempting) return;
    const v = victimBelow(top);
    if (!v) return;
    v.preempting = true;
    preempting++;
    o.onPreempt({
      owner: v.owner,
      ticket: v.ticket,
      victim: classOfRank(v.rank),
      by: classOfRank(top),
    });
  }

  function enqueue(
    owner: string,
    ticket: string,
    rank: number,
    signal: AbortSignal | undefined,
  ): Promise<SchedOutcome> {
    return new Promise((resolve) => {
      const w: Waiter = {
        key: keyOf(owner, ticket),
        owner,
        ticket,
        rank,
        at: now(),
        settled: false,
        resolve,
        timer: undefined,
        signal,
        onAbort: () => {
          if (w.settled) return;
          settle(w, 'aborted');
          dispatch();
        },
      };
      waiters.set(w.key, w);
      queues[rank]?.push(w);
      live[rank] = (live[rank] ?? 0) + 1;
      w.timer = o.timers.setTimeout(
        () => {
          w.timer = undefined;
          if (w.settled) return;
          settle(w, 'timeout');
          dispatch();
        },
        (cfg[rank]?.queueTimeoutSecs ?? 60) * 1000,
      );
      signal?.addEventListener('abort', w.onAbort, { once: true });
      dispatch();
      if (!w.settled) preemptIfNeeded();
    });
  }

  function drop(key: string): Lease | undefined {
    const l = leases.get(key);
    if (!l) return undefined;
    leases.delete(key);
    inUse[l.rank] = (inUse[l.rank] ?? 0) - 1;
    if (l.preempting) preempting--;
    return l;
  }

  return {
    admit(owner, ticket, cls, signal) {
      if (closed) return Promise.resolve('closed');
      if (signal?.aborted === true) return Promise.resolve('aborted');
      const key = keyOf(owner, ticket);
      if (leases.has(key) || waiters.has(key)) return Promise.resolve('closed'); // reused ticket
      const rank = classRank(cls);
      if (!blocked(rank) && available(rank) > 0) {
        grant(owner, ticket, rank);
        return Promise.resolve('admitted');
      }
      if ((live[rank] ?? 0) >= (cfg[rank]?.queueSize ?? 0)) return Promise.resolve('queue_full');
      return enqueue(owner, ticket, rank, signal);
    },
    release(owner, ticket) {
      if (drop(keyOf(owner, ticket))) dispatch();
    },
    decline(owner, ticket) {
      const l = leases.get(keyOf(owner, ticket));
      if (!l) return;
      l.firstByte = true;
      if (l.preempting) {
        l.preempting = false;
        preempting--;
      }
      preemptIfNeeded();
    },
    firstByte(owner, ticket) {
      const l = leases.get(keyOf(owner, ticket));
      if (l) l.firstByte = true;
    },
    ownerGone(owner) {
      for (const w of [...waiters.values()]) if (w.owner === owner) settle(w, 'aborted');
      for (const [key, l] of [...leases]) if (l.owner === owner) drop(key);
      dispatch();
    },
    poke: dispatch,
    inUse: () => [...inUse] as PerClass,
    queued: () => [...live] as PerClass,
    close() {
      closed = true;
      if (starveTimer !== undefined) o.timers.clearTimeout(starveTimer);
      for (const w of [...waiters.values()]) settle(w, 'closed');
    },
  };
}
