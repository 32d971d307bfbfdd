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
    const kept = d.at(2_000_000, () => undefined);
    assert.equal(d.slots, 1001);
    for (const h of handles) h.cancel();
    assert.equal(d.slots, 1, 'only the live deadline keeps a slot');
    assert.equal(d.size, 1);
    kept.cancel();
    assert.equal(d.slots, 0);
    d.close();
  });
});
