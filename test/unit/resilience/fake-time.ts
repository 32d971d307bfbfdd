/** Manual clock + timers for the resilience tests: time moves only through `advance`/`set`. */
import type { AdmissionTimers } from '../../../src/resilience/admission';
import type { Clock } from '../../../src/util/clock';

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

export interface FakeTime {
  readonly clock: Clock;
  readonly timers: AdmissionTimers;
  /** Move time forward by `ms`, firing due timers in (due, creation) order. */
  advance(ms: number): void;
  /** Move the clock without firing timers (a late timer wake-up). */
  set(ms: number): void;
  /** Timers scheduled and not yet fired or cleared. */
  pending(): number;
}

export function createFakeTime(start = 1000): FakeTime {
  let t = start;
  let nextId = 1;
  const timers = new Map<number, FakeTimer>();

  function earliestDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of timers.values()) {
      if (timer.due > limit) continue;
      if (
        best === undefined ||
        timer.due < best.due ||
        (timer.due === best.due && timer.id < best.id)
      ) {
        best = timer;
      }
    }
    return best;
  }

  return {
    clock: { now: () => t, monotonic: () => t },
    timers: {
      setTimeout(callback, ms) {
        const id = nextId++;
        timers.set(id, { id, due: t + Math.max(0, ms), callback });
        return id;
      },
      clearTimeout(handle) {
        if (typeof handle === 'number') timers.delete(handle);
      },
    },
    advance(ms) {
      const target = t + ms;
      for (let timer = earliestDue(target); timer !== undefined; timer = earliestDue(target)) {
        timers.delete(timer.id);
        t = Math.max(t, timer.due);
        timer.callback();
      }
      t = target;
    },
    set(ms) {
      t = ms;
    },
    pending: () => timers.size,
  };
}

/** Let promise continuations run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
