import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPowerOfTwoPolicy } from '../../../src/policies/power-of-two';
import { createFleet, createTestDeps, makeWorkers, req } from '../policies/fixtures';

test('power_of_two: requests waiting in collie for a connection outweigh the engine’s own usage', () => {
  const deps = createTestDeps(5);
  const workers = makeWorkers(2);
  const set = createFleet(workers).set;
  const [w0, w1] = workers as [(typeof workers)[0], (typeof workers)[0]];
  // w0's engine reports less KV usage, but 40 of our requests wait for a w0 connection
  const usage = new Map([
    [w0.id, 0.1],
    [w1.id, 0.5],
  ]);
  const waiting = new Map([[w0.url, 40]]);
  deps.loads.set(w0.id, 48); // in flight includes the waiting ones
  deps.loads.set(w1.id, 8);
  const loads = Object.assign(Object.create(deps.loads) as typeof deps.loads, {
    engineUsage: (id: string) => usage.get(id),
    waiting: (url: string) => waiting.get(url) ?? 0,
  });
  const policy = createPowerOfTwoPolicy({ ...deps, loads });
  for (let i = 0; i < 50; i++) assert.equal(policy.select(set, req())?.id, w1.id);
  // nothing waits: the engine's usage decides again (SMG's rule)
  waiting.clear();
  for (let i = 0; i < 50; i++) assert.equal(policy.select(set, req())?.id, w0.id);
});
