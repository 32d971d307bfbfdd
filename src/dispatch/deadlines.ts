import type { Clock } from '../util/clock';

/** A pending deadline; cancel() is idempotent and O(1). */
export interface DeadlineHandle {
  cancel(): void;
}

/**
 * Request deadlines without a timer per request: entries fall into buckets of `resolutionMs`
 * and one shared timer fires each due bucket. Deadlines may fire up to one resolution late,
 * never early. The timer runs only while entries exist and never keeps the process alive.
 */
export interface Deadlines {
  /** Calls `cb` once at (or up to one resolution after) `atMs` on the clock's monotonic scale. */
  at(atMs: number, cb: () => void): DeadlineHandle;
  /** Fires every due deadline now (the shared timer calls it every resolution). */
  tick(): void;
  /** Pending entries (tests). */
  readonly size: number;
  /** Slots holding pending entries (tests: cancelled deadlines leave none behind). */
  readonly slots: number;
  close(): void;
}

/**
 * The entries due in one slot, as an intrusive doubly linked list (add and cancel are a few
 * pointer writes: no hashing, no table growing and shrinking per request); dropped from the
 * map as soon as it is empty.
 */
class Bucket {
  head: Entry | undefined = undefined;
  tail: Entry | undefined = undefined;
  size = 0;
  constructor(
    readonly slot: number,
    private readonly owner: Map<number, Bucket>,
  ) {}

  /** Appends: entries fire in the order they were added. */
  add(e: Entry): void {
    e.prev = this.tail;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  remove(e: Entry): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = undefined;
    this.size--;
    // a cancelled request leaves no empty slot behind: the map holds live deadlines only
    if (this.size === 0 && this.owner.get(this.slot) === this) this.owner.delete(this.slot);
  }
}

class Entry implements DeadlineHandle {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  constructor(
    readonly cb: () => void,
    public bucket: Bucket | undefined,
  ) {}

  cancel(): void {
    const b = this.bucket;
    if (b === undefined) return;
    this.bucket = undefined;
    b.remove(this);
  }
}

export function createDeadlines(clock: Clock, resolutionMs = 50): Deadlines {
  const buckets = new Map<number, Bucket>();
  let timer: NodeJS.Timeout | undefined;

  function fire(): void {
    const now = Math.floor(clock.monotonic() / resolutionMs);
    for (const [slot, b] of buckets) {
      if (slot > now) continue;
      buckets.delete(slot);
      // one entry at a time: a callback may cancel (unlink) entries still waiting here
      for (let e = b.head; e !== undefined; e = b.head) {
        b.remove(e);
        e.bucket = undefined;
        e.cb();
      }
    }
    if (buckets.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    at(atMs, cb) {
      // ceil: a deadline never fires early
      const slot = Math.ceil(atMs / resolutionMs);
      let b = buckets.get(slot);
      if (!b) buckets.set(slot, (b = new Bucket(slot, buckets)));
      const e = new Entry(cb, b);
      b.add(e);
      if (!timer) {
        timer = setInterval(fire, resolutionMs);
        timer.unref();
      }
      return e;
    },
    tick: fire,
    get slots() {
      return buckets.size;
    },
    get size() {
      let n = 0;
      for (const b of buckets.values()) n += b.size;
      return n;
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      buckets.clear();
    },
  };
}
