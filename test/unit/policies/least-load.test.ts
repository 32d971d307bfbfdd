import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Worker, WorkerSet } from '../../../src/core/worker';
import { createLeastLoadPolicy } from '../../../src/policies/least-load';
import { randInt, seededRng } from '../../../src/util/rng';
import { createFleet, createTestDeps, makeWorkers, req, type FakeLoads } from './fixtures';

/** Brute force: lowest load, earliest in `available` on ties. */
function argmin(set: WorkerSet, loads: FakeLoads): Worker | undefined {
  let best: Worker | undefined;
  for (const w of set.available) if (!best || loads.get(w.id) < loads.get(best.id)) best = w;
  return best;
}

void describe('least_load', () => {
  void test('builds lazily from the LoadView when select comes before onWorkersChanged', () => {
    const deps = createTestDeps();
    ['w0', 'w1', 'w2'].forEach((id, i) => deps.loads.set(id, [4, 1, 7][i] as number));
    const policy = createLeastLoadPolicy(deps);
    assert.equal(policy.select(createFleet(makeWorkers(3)).set, req())?.id, 'w1');
  });

  void test('follows onLoadChanged updates', () => {
    const deps = createTestDeps();
    const set = createFleet(makeWorkers(3)).set;
    const policy = createLeastLoadPolicy(deps);
    policy.onWorkersChanged?.(set);
    assert.equal(policy.select(set, req())?.id, 'w0'); // all zero: first wins
    policy.onLoadChanged?.('w0', 3);
    assert.equal(policy.select(set, req())?.id, 'w1');
    policy.onLoadChanged?.('w1', 5);
    policy.onLoadChanged?.('w2', 4);
    assert.equal(policy.select(set, req())?.id, 'w0');
    policy.onLoadChanged?.('w0', 9);
    assert.equal(policy.select(set, req())?.id, 'w2');
    policy.onLoadChanged?.('ghost', -100); // unknown worker: ignored
    assert.equal(policy.select(set, req())?.id, 'w2');
  });

  void test('ignores loads of unavailable workers and picks them up when they return', () => {
    const deps = createTestDeps();
    const fleet = createFleet(makeWorkers(3), ['w2']);
    const policy = createLeastLoadPolicy(deps);
    deps.loads.set('w0', 2);
    deps.loads.set('w1', 2);
    policy.onWorkersChanged?.(fleet.set);
    policy.onLoadChanged?.('w2', 0);
    assert.equal(policy.select(fleet.set, req())?.id, 'w0');
    const set = fleet.setAvailable('w2', true);
    assert.equal(policy.select(set, req())?.id, 'w2'); // stale version detected, rebuilt
  });

  void test('matches brute-force argmin over many random load and set changes', () => {
    const rng = seededRng(2024);
    const deps = createTestDeps();
    const fleet = createFleet(makeWorkers(30));
    const policy = createLeastLoadPolicy(deps);
    let set = fleet.set;
    for (let step = 0; step < 10_000; step++) {
      const op = randInt(rng, 100);
      const id = `w${randInt(rng, 34)}`; // w30..w33 are unknown
      if (op < 90) {
        const load = randInt(rng, 12);
        deps.loads.set(id, load);
        policy.onLoadChanged?.(id, load);
      } else {
        set = fleet.setAvailable(id, randInt(rng, 3) > 0);
        if (op < 95) policy.onWorkersChanged?.(set);
      }
      const chosen = policy.select(set, req());
      assert.equal(chosen, argmin(set, deps.loads), `step ${step}`);
    }
  });

  // Scaling note: select is a heap peek, O(1) in W, and onLoadChanged one sift, O(log W).
  // At 4,000 workers a pick costs the same as at 4; timing belongs in bench/, not in tests.
});
