import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDeadlines } from '../../../src/dispatch/deadlines';
import type { Clock } from '../../../src/util/clock';

function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, monotonic: () => c.t };
  return c;
}

describe('deadline wheel', () => {
  test('fires at or after the deadline, never before; cancel removes the entry', () => {
    const clock = fakeClock();
    const d = createDeadlines(clock, 5);
    const fired: string[] = [];
    d.at(12, () => fired.push('a'));
    const b = d.at(12, () => fired.push('b'));
    d.at(40, () => fired.push('c'));
    assert.equal(d.size, 3);
    b.cancel();
    b.cancel();
    assert.equal(d.size, 2);
    clock.t = 11;
    d.tick();
    assert.deepEqual(fired, [], 'nothing before its time');
    clock.t = 15;
    d.tick();
    assert.deepEqual(fired, ['a']);
    clock.t = 100;
    d.tick();
    d.tick();
    assert.deepEqual(fired, ['a', 'c'], 'each deadline fires once');
    assert.equal(d.size, 0);
    d.close();
  });

  test('a cancelled deadline leaves no slot behind (requests that finish in time)', () => {
    const clock = fakeClock();
    const d = createDeadlines(clock, 5);
    const handles = Array.from({ length: 1000 }, (_, i) =>
      d.at(1_000_000 + i * 5, () => undefined),
    );
    const kept = d.at(1_000_000 + 1000 * 5, () => undefined);
    assert.equal(d.slots, 1001);
    for (const h of handles) h.cancel();
    assert.equal(d.slots, 1, 'only the live deadline keeps a slot');
    assert.equal(d.size, 1);
    kept.cancel();
    assert.equal(d.slots, 0);
    d.close();
  });

  test('a deadline more than one turn of the wheel away fires at its time, not a turn early', () => {
    const clock = fakeClock();
    const d = createDeadlines(clock, 5);
    const fired: number[] = [];
    // 1024 positions × 5 ms: 7000 ms is more than one turn out
    d.at(7000, () => fired.push(clock.t));
    for (clock.t = 0; clock.t < 6995; clock.t += 5) d.tick();
    assert.deepEqual(fired, [], 'passed over while its turn has not come');
    clock.t = 7000;
    d.tick();
    assert.deepEqual(fired, [7000]);
    assert.equal(d.size, 0);
    d.close();
  });

  test('a late tick catches up on every due slot, even past a whole turn', () => {
    const clock = fakeClock();
    const d = createDeadlines(clock, 5);
    const fired: string[] = [];
    d.at(10, () => fired.push('near'));
    d.at(3000, () => fired.push('mid'));
    d.at(50_000, () => fired.push('far'));
    clock.t = 20_000; // the event loop was blocked for four turns
    d.tick();
    assert.deepEqual(fired, ['near', 'mid']);
    assert.equal(d.size, 1);
    clock.t = 50_000;
    d.tick();
    assert.deepEqual(fired, ['near', 'mid', 'far']);
    d.close();
  });

  test('a callback may cancel a deadline due at the same tick, or add one', () => {
    const clock = fakeClock();
    const d = createDeadlines(clock, 5);
    const fired: string[] = [];
    // both due at the same tick; the first added is called first
    d.at(9, () => {
      fired.push('first');
      late.cancel();
      d.at(12, () => fired.push('added'));
    });
    const late = d.at(10, () => fired.push('cancelled one'));
    clock.t = 10;
    d.tick();
    assert.deepEqual(fired, ['first']);
    clock.t = 15;
    d.tick();
    assert.deepEqual(fired, ['first', 'added']);
    assert.equal(d.size, 0);
    d.close();
  });

  test('a deadline already in the past fires at the next tick', () => {
    const clock = fakeClock();
    clock.t = 1000;
    const d = createDeadlines(clock, 5);
    clock.t = 2000;
    d.tick();
    const fired: number[] = [];
    d.at(100, () => fired.push(clock.t));
    d.at(Number.NaN, () => fired.push(-clock.t)); // a broken time is no reason to wait forever
    assert.deepEqual(fired, [], 'never called from at() itself');
    clock.t = 2005;
    d.tick();
    assert.deepEqual(fired, [2005, -2005]);
    assert.equal(d.size, 0);
    d.close();
  });
});
