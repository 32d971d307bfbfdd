import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkerSet } from '../../../src/core/worker';
import { createManualPolicy, type ManualPolicy } from '../../../src/policies/manual';
import type { PolicyOptions } from '../../../src/policies/types';
import {
  createFleet,
  createTestDeps,
  makeOptions,
  makeWorkers,
  req,
  type Fleet,
  type TestDeps,
} from './fixtures';

const keyed = (key: string) => req({ 'x-smg-routing-key': key });

function setup(
  n: number,
  overrides: Partial<PolicyOptions> = {},
  deps: TestDeps = createTestDeps(),
): {
  fleet: Fleet;
  policy: ManualPolicy;
  deps: TestDeps;
  pick: (key: string, set?: WorkerSet) => string | undefined;
} {
  const fleet = createFleet(makeWorkers(n));
  const policy = createManualPolicy(deps, makeOptions({ evictionIntervalSecs: 0, ...overrides }));
  const pick = (key: string, set: WorkerSet = fleet.set): string | undefined =>
    policy.select(set, keyed(key))?.id;
  return { fleet, policy, deps, pick };
}

function tally(ids: (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) if (id !== undefined) out[id] = (out[id] ?? 0) + 1;
  return out;
}

void describe('manual: stickiness', () => {
  void test('a routing key keeps its worker; different keys spread', () => {
    const { policy, pick } = setup(5);
    const first = Array.from({ length: 40 }, (_, i) => pick(`user-${i}`));
    for (let round = 0; round < 5; round++) {
      assert.deepEqual(
        Array.from({ length: 40 }, (_, i) => pick(`user-${i}`)),
        first,
      );
    }
    assert.equal(new Set(first).size, 5);
    assert.equal(policy.size, 40);
  });

  void test('no routing key means a fresh pick each time and no sticky entry', () => {
    const { fleet, policy } = setup(4);
    const seen = new Set(Array.from({ length: 200 }, () => policy.select(fleet.set, req())?.id));
    assert.equal(seen.size, 4);
    assert.equal(policy.size, 0);
  });
});

void describe('manual: candidate FIFO', () => {
  void test('fails over to the second candidate, returns to the first, and keeps at most two', () => {
    const { fleet, pick } = setup(4);
    const only = (id: string): WorkerSet => {
      for (const w of fleet.set.all) fleet.setAvailable(w.id, w.id === id);
      return fleet.set;
    };
    assert.equal(pick('k', only('w0')), 'w0'); // candidates [w0]
    assert.equal(pick('k', only('w1')), 'w1'); // w0 down: assigned w1 → [w0, w1]
    fleet.setAvailable('w0', true);
    fleet.setAvailable('w2', true);
    assert.equal(pick('k'), 'w0'); // the first available candidate wins again
    fleet.setAvailable('w0', false);
    for (let i = 0; i < 20; i++) assert.equal(pick('k'), 'w1'); // second candidate, no reassignment
    assert.equal(pick('k', only('w2')), 'w2'); // both down: w2 appended, w0 evicted → [w1, w2]
    fleet.setAvailable('w0', true);
    assert.equal(pick('k'), 'w2'); // w0 (up) is no longer a candidate, w1 is down
    fleet.setAvailable('w1', true);
    assert.equal(pick('k'), 'w1');
  });
});

void describe('manual: assignment modes', () => {
  void test('min_group spreads 9 keys over 3 workers as 3/3/3', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { pick } = setup(3, { assignmentMode: 'min_group' }, createTestDeps(seed));
      const picks = Array.from({ length: 9 }, (_, i) => pick(`key-${i}`));
      assert.deepEqual(tally(picks), { w0: 3, w1: 3, w2: 3 }, `seed ${seed}`);
    }
  });

  void test('min_group counts only keys still held, and skips unavailable workers', () => {
    const { fleet, policy, deps, pick } = setup(3, {
      assignmentMode: 'min_group',
      maxIdleSecs: 10,
    });
    const early = Array.from({ length: 6 }, (_, i) => pick(`early-${i}`)); // 2/2/2
    deps.clock.advance(5_000);
    const late = Array.from({ length: 3 }, (_, i) => pick(`late-${i}`)); // 3/3/3
    assert.deepEqual(tally([...early, ...late]), { w0: 3, w1: 3, w2: 3 });
    deps.clock.advance(6_000); // early keys are 11 s idle, late keys 6 s
    assert.equal(policy.sweep(), 6);
    assert.equal(policy.size, 3);
    // Counts are back to 1/1/1; with w2 down the next four keys go 2 + 2 to w0 and w1.
    const set = fleet.setAvailable('w2', false);
    const next = Array.from({ length: 4 }, (_, i) => pick(`next-${i}`, set));
    assert.deepEqual(tally(next), { w0: 2, w1: 2 });
  });

  void test('min_load assigns new keys to the least loaded worker, then stays sticky', () => {
    const { fleet, policy, deps, pick } = setup(3, { assignmentMode: 'min_load' });
    deps.loads.set('w0', 5);
    deps.loads.set('w1', 1);
    deps.loads.set('w2', 3);
    assert.equal(pick('a'), 'w1');
    policy.onLoadChanged?.('w1', 9);
    assert.equal(pick('b'), 'w2');
    assert.equal(pick('a'), 'w1'); // sticky despite the load
    policy.onLoadChanged?.('w0', 0);
    assert.equal(pick('c'), 'w0');
    assert.equal(policy.select(fleet.set, req())?.id, 'w0'); // no key: fresh min_load pick
  });

  void test('random assignment spreads new keys', () => {
    const { pick } = setup(3, { assignmentMode: 'random' });
    const counts = tally(Array.from({ length: 3000 }, (_, i) => pick(`k${i}`)));
    for (const c of Object.values(counts)) assert.ok(c > 850 && c < 1150, `count ${c}`);
  });
});

void describe('manual: idle eviction', () => {
  void test('sweep drops entries idle longer than maxIdleSecs; a hit refreshes', () => {
    const { policy, deps, pick } = setup(4, { maxIdleSecs: 60 });
    pick('a');
    pick('b');
    deps.clock.advance(40_000);
    pick('a'); // refreshed at t+40 s
    pick('c');
    deps.clock.advance(30_000); // b is 70 s idle, a and c 30 s
    assert.equal(policy.sweep(), 1);
    assert.equal(policy.size, 2);
    deps.clock.advance(30_000); // exactly 60 s: not older than the limit yet
    assert.equal(policy.sweep(), 0);
    deps.clock.advance(1);
    assert.equal(policy.sweep(), 2);
    assert.equal(policy.size, 0);
  });

  void test('a sweep runs every evictionIntervalSecs until close()', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const deps = createTestDeps();
    const policy = createManualPolicy(
      deps,
      makeOptions({ maxIdleSecs: 10, evictionIntervalSecs: 5 }),
    );
    const set = createFleet(makeWorkers(2)).set;
    policy.select(set, keyed('a'));
    deps.clock.advance(11_000);
    t.mock.timers.tick(5_000);
    assert.equal(policy.size, 0);
    policy.close();
    policy.select(set, keyed('b'));
    deps.clock.advance(11_000);
    t.mock.timers.tick(20_000);
    assert.equal(policy.size, 1); // no sweep after close
  });
});
