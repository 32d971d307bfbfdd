/**
 * The contract every load-balancing policy must honour, run over every name in POLICY_NAMES
 * (one suite, many implementations, as hono does for its routers). Policy-specific behaviour
 * lives in test/unit/policies/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Worker, WorkerSet } from '../../src/core/worker';
import { createPolicy } from '../../src/policies/factory';
import {
  POLICY_NAMES,
  type Policy,
  type PolicyName,
  type RequestInfo,
} from '../../src/policies/types';
import {
  createFleet,
  createTestDeps,
  emptySet,
  makeOptions,
  makeWorkers,
  req,
  type TestDeps,
} from '../unit/policies/fixtures';

/** Headers every policy sees; none names a worker directly. */
function variedRequests(count = 120): RequestInfo[] {
  const fixed = [
    req(),
    req({}, 'hello world'),
    req({ authorization: 'Bearer token-a' }),
    req({ 'x-forwarded-for': '10.1.2.3' }),
    req({ cookie: 'session=42' }),
  ];
  const keyed = Array.from({ length: count }, (_, i) => req({ 'x-smg-routing-key': `key-${i}` }));
  return [...fixed, ...keyed, ...fixed];
}

function isMember(set: WorkerSet, w: Worker | undefined): boolean {
  return w !== undefined && set.available.includes(w);
}

function withPolicy(
  name: PolicyName,
  fn: (policy: Policy, deps: TestDeps) => void,
  deps: TestDeps = createTestDeps(),
): void {
  const policy = createPolicy(name, deps, makeOptions());
  try {
    fn(policy, deps);
  } finally {
    policy.close?.();
  }
}

for (const name of POLICY_NAMES) {
  void describe(`policy contract: ${name}`, () => {
    void test('returns undefined when nothing is available', () => {
      withPolicy(name, (policy) => {
        const requests = [...variedRequests(5), req({ 'x-smg-target-worker': '0' })];
        for (const r of requests) assert.equal(policy.select(emptySet(), r), undefined);
        const allDown = createFleet(makeWorkers(3), ['w0', 'w1', 'w2']).set;
        policy.onWorkersChanged?.(allDown);
        for (const r of requests) assert.equal(policy.select(allDown, r), undefined);
      });
    });

    void test('always returns a member of available', () => {
      withPolicy(name, (policy, deps) => {
        const set = createFleet(makeWorkers(8), ['w1', 'w4', 'w6']).set;
        set.all.forEach((w, i) => deps.loads.set(w.id, (i * 7) % 5));
        policy.onWorkersChanged?.(set);
        for (let round = 0; round < 3; round++) {
          for (const r of variedRequests()) assert.ok(isMember(set, policy.select(set, r)));
        }
      });
    });

    void test('never chooses a worker that is registered but unavailable', () => {
      withPolicy(name, (policy, deps) => {
        const fleet = createFleet(makeWorkers(6));
        // Warm sticky state while everyone is up, then take two workers down.
        for (const r of variedRequests()) policy.select(fleet.set, r);
        fleet.setAvailable('w2', false);
        const set = fleet.setAvailable('w5', false);
        // Make the unavailable workers look the most attractive to load-aware policies.
        for (const w of set.all) deps.loads.set(w.id, set.available.includes(w) ? 10 : 0);
        policy.onWorkersChanged?.(set);
        for (const w of set.all) policy.onLoadChanged?.(w.id, deps.loads.get(w.id));
        for (const r of variedRequests()) {
          const chosen = policy.select(set, r);
          assert.ok(isMember(set, chosen), `${name} chose ${chosen?.id}`);
        }
        // A direct target at an unavailable worker: consistent_hashing refuses (no fallback),
        // every other policy ignores the header.
        const targeted = policy.select(set, req({ 'x-smg-target-worker': '2' }));
        if (name === 'consistent_hashing') assert.equal(targeted, undefined);
        else assert.ok(isMember(set, targeted));
      });
    });

    void test('is deterministic for a given seed', () => {
      const run = (): string[] => {
        const out: string[] = [];
        withPolicy(
          name,
          (policy, deps) => {
            const fleet = createFleet(makeWorkers(7), ['w3']);
            fleet.set.all.forEach((w, i) => deps.loads.set(w.id, i % 3));
            for (const r of variedRequests()) out.push(policy.select(fleet.set, r)?.id ?? '-');
            const set = fleet.remove('w0');
            for (const r of variedRequests()) out.push(policy.select(set, r)?.id ?? '-');
          },
          createTestDeps(1234),
        );
        return out;
      };
      assert.deepEqual(run(), run());
    });

    void test('always chooses the only worker', () => {
      withPolicy(name, (policy) => {
        const set = createFleet(makeWorkers(1)).set;
        const only = set.available[0];
        for (const r of [...variedRequests(20), req({ 'x-smg-target-worker': '0' })]) {
          assert.equal(policy.select(set, r), only);
        }
      });
    });

    for (const notify of [true, false]) {
      void test(`follows set changes (${notify ? 'onWorkersChanged' : 'version only'})`, () => {
        withPolicy(name, (policy, deps) => {
          const fleet = createFleet(makeWorkers(5));
          deps.loads.set('w0', 0);
          for (const w of fleet.set.all.slice(1)) deps.loads.set(w.id, 3);
          if (notify) policy.onWorkersChanged?.(fleet.set);
          const before = new Set(variedRequests().map((r) => policy.select(fleet.set, r)?.id));
          assert.ok(before.has('w0'), 'w0 should be chosen while present');

          const set = fleet.remove('w0');
          if (notify) policy.onWorkersChanged?.(set);
          for (let round = 0; round < 3; round++) {
            for (const r of variedRequests()) {
              const chosen = policy.select(set, r);
              assert.ok(isMember(set, chosen));
              assert.notEqual(chosen?.id, 'w0');
            }
          }
          // Loads reported for a worker that no longer exists are ignored.
          policy.onLoadChanged?.('w0', 0);
          policy.onLoadChanged?.('nobody', 0);
          assert.ok(isMember(set, policy.select(set, req())));
        });
      });
    }
  });
}
