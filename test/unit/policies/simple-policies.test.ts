import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPolicy } from '../../../src/policies/factory';
import { createPassthroughPolicy } from '../../../src/policies/passthrough';
import { createPowerOfTwoPolicy } from '../../../src/policies/power-of-two';
import { createRandomPolicy } from '../../../src/policies/random';
import { createRoundRobinPolicy } from '../../../src/policies/round-robin';
import { POLICY_NAMES } from '../../../src/policies/types';
import { createFleet, createTestDeps, makeOptions, makeWorkers, req } from './fixtures';

function tally(ids: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

void describe('createPolicy', () => {
  void test('builds every named policy', () => {
    for (const name of POLICY_NAMES) {
      const policy = createPolicy(name, createTestDeps(), makeOptions());
      assert.equal(policy.name, name);
      policy.close?.();
    }
  });
});

void describe('random', () => {
  void test('spreads roughly uniformly', () => {
    const set = createFleet(makeWorkers(4)).set;
    const policy = createRandomPolicy(createTestDeps(3));
    const counts = tally(Array.from({ length: 8000 }, () => policy.select(set, req())?.id));
    assert.equal(counts.size, 4);
    for (const c of counts.values()) assert.ok(c > 1700 && c < 2300, `count ${c}`);
  });
});

void describe('round_robin', () => {
  void test('cycles through available workers in order with an even spread', () => {
    const set = createFleet(makeWorkers(5), ['w2']).set;
    const policy = createRoundRobinPolicy();
    const picks = Array.from({ length: 400 }, () => policy.select(set, req())?.id);
    assert.deepEqual(picks.slice(0, 5), ['w0', 'w1', 'w3', 'w4', 'w0']);
    assert.deepEqual([...tally(picks).values()], [100, 100, 100, 100]);
  });
});

void describe('power_of_two', () => {
  void test('never picks the most loaded of several workers and prefers the least loaded', () => {
    const deps = createTestDeps(11);
    const set = createFleet(makeWorkers(4)).set;
    ['w0', 'w1', 'w2', 'w3'].forEach((id, i) => deps.loads.set(id, i * 10));
    const policy = createPowerOfTwoPolicy(deps);
    const counts = tally(Array.from({ length: 6000 }, () => policy.select(set, req())?.id));
    // With distinct loads, worker i wins exactly the pairs where it is the lesser: (3-i)/6.
    assert.equal(counts.get('w3'), undefined);
    const [c0, c1, c2] = ['w0', 'w1', 'w2'].map((id) => counts.get(id) ?? 0) as [
      number,
      number,
      number,
    ];
    assert.ok(c0 > c1 && c1 > c2, `${c0} ${c1} ${c2}`);
    assert.ok(Math.abs(c0 / 6000 - 0.5) < 0.04);
  });

  void test('reads loads live, so a change takes effect on the next pick', () => {
    const deps = createTestDeps(5);
    const set = createFleet(makeWorkers(2)).set;
    const policy = createPowerOfTwoPolicy(deps);
    deps.loads.set('w0', 5);
    for (let i = 0; i < 50; i++) assert.equal(policy.select(set, req())?.id, 'w1');
    deps.loads.set('w1', 9);
    for (let i = 0; i < 50; i++) assert.equal(policy.select(set, req())?.id, 'w0');
  });

  void test('ties go to the first pick, which is uniform', () => {
    const set = createFleet(makeWorkers(3)).set;
    const policy = createPowerOfTwoPolicy(createTestDeps(9));
    const counts = tally(Array.from({ length: 6000 }, () => policy.select(set, req())?.id));
    for (const c of counts.values()) assert.ok(c > 1800 && c < 2200, `count ${c}`);
  });
});

void describe('passthrough', () => {
  void test('picks the first available worker', () => {
    const fleet = createFleet(makeWorkers(3), ['w0']);
    const policy = createPassthroughPolicy();
    for (let i = 0; i < 10; i++) assert.equal(policy.select(fleet.set, req())?.id, 'w1');
    assert.equal(policy.select(fleet.setAvailable('w0', true), req())?.id, 'w0');
  });
});
