import type { Clock } from '../util/clock';

/** A pending deadline; cancel() is idempotent and O(1). */
export interface DeadlineHandle {
  cancel(): void;
}

/**
 * Request deadlines without a timer per request: entries fall into slots of `resolutionMs`
 * and one shared timer fires each due slot. Deadlines may fire up to one resolution late,
 * never early. The timer runs only while entries exist and never keeps the process alive.
 */
export interface Deadlines {
  /** Calls `cb` once at (or up to one resolution after) `atMs` on the clock's monotonic scale. */
  at(atMs: number, cb: () => void): DeadlineHandle;
  /** Fires every due deadline now (the shared timer calls it every resolution). */
  tick(): void;
  /** Pending entries (tests). */
  readonly size: number;
  /** Wheel positions holding pending entries (tests: cancelled deadlines leave none behind). */
  readonly slots: number;
  close(): void;
}

/**
 * Positions on the wheel: one turn is 1024 × resolution (51 s at 50 ms). A deadline further
 * out waits in its position's list and is passed over (one comparison) once per turn.
 */
const WHEEL_SIZE = 1024;

/**
 * One wheel position: an intrusive doubly linked list of its entries, in the order they were
 * added. Positions are allocated once with the wheel; adding and cancelling are pointer writes.
 * No Map or Set per slot: V8 reallocates the table of a long-lived Map in the old generation
 * each time it grows or shrinks, and a slot map that empties after every request did so on
 * every request (garbage only a full mark-compact reclaims: the p99.9 of a gateway at a
 * steady rate).
 */
class Position {
  head: Entry | undefined = undefined;
  tail: Entry | undefined = undefined;
  size = 0;

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
  }
}

class Entry implements DeadlineHandle {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** The wheel position holding it; undefined once it is due (being fired) or cancelled. */
  position: Position | undefined = undefined;
  /** False once fired or cancelled. */
  live = true;
  constructor(
    readonly slot: number,
    readonly cb: () => void,
    private readonly wheel: Wheel,
  ) {}

  cancel(): void {
    if (!this.live) return;
    this.live = false;
    this.wheel.cancelled(this);
  }
}

class Wheel implements Deadlines {
  private readonly positions: Position[] = Array.from({ length: WHEEL_SIZE }, () => new Position());
  /** Every slot up to this one has been fired. */
  private cursor: number;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  private readonly fire = (): void => this.tick();

  constructor(
    private readonly clock: Clock,
    private readonly resolutionMs: number,
  ) {
    this.cursor = this.slotNow();
  }

  private slotNow(): number {
    return Math.floor(this.clock.monotonic() / this.resolutionMs);
  }

  at(atMs: number, cb: () => void): DeadlineHandle {
    if (this.timer === undefined) {
      // idle until now: every slot before this one is empty, nothing to catch up on
      if (this.pending === 0) this.cursor = Math.max(this.cursor, this.slotNow());
      this.timer = setInterval(this.fire, this.resolutionMs);
      this.timer.unref();
    }
    // ceil: a deadline never fires early; a slot already passed (or NaN) fires at the next tick
    const due = Math.ceil(atMs / this.resolutionMs);
    const slot = due > this.cursor ? due : this.cursor + 1;
    const e = new Entry(slot, cb, this);
    const p = this.positions[slot & (WHEEL_SIZE - 1)]!;
    e.position = p;
    p.add(e);
    this.pending++;
    return e;
  }

  cancelled(e: Entry): void {
    const p = e.position;
    if (p === undefined) return; // already taken out to be fired
    e.position = undefined;
    p.remove(e);
    this.pending--;
  }

  tick(): void {
    const now = this.slotNow();
    // a late timer catches up; past a whole turn, one visit of every position is enough
    const from = Math.max(this.cursor + 1, now - WHEEL_SIZE + 1);
    this.cursor = Math.max(this.cursor, now);
    for (let s = from; s <= now; s++) {
      const p = this.positions[s & (WHEEL_SIZE - 1)]!;
      if (p.size > 0) this.fireDue(p, now);
    }
    if (this.pending === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * Takes the due entries out first, then calls them in order: a callback may cancel an entry
   * still waiting to be called (it is then skipped) or add new ones.
   */
  private fireDue(p: Position, now: number): void {
    let first: Entry | undefined;
    let last: Entry | undefined;
    for (let e = p.head; e !== undefined;) {
      const next = e.next;
      if (e.slot <= now) {
        p.remove(e);
        e.position = undefined;
        this.pending--;
        if (last) last.next = e;
        else first = e;
        last = e;
      }
      e = next;
    }
    for (let e = first; e !== undefined;) {
      const next = e.next;
      e.next = undefined;
      if (e.live) {
        e.live = false;
        e.cb();
      }
      e = next;
    }
  }

  get slots(): number {
    let n = 0;
    for (const p of this.positions) if (p.size > 0) n++;
    return n;
  }

  get size(): number {
    return this.pending;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const p of this.positions) {
      for (let e = p.head; e !== undefined; e = p.head) {
        p.remove(e);
        e.position = undefined;
        e.live = false;
      }
    }
    this.pending = 0;
  }
}

export function createDeadlines(clock: Clock, resolutionMs = 50): Deadlines {
  return new Wheel(clock, resolutionMs);
}
