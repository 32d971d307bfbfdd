import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkerSet } from '../../../src/core/worker';
import { createConsistentHashingPolicy } from '../../../src/policies/consistent-hashing';
import type { Policy } from '../../../src/policies/types';
import { createFleet, createTestDeps, makeWorker, makeWorkers, req } from './fixtures';

const KEYS = Array.from({ length: 6000 }, (_, i) => `session-${i}`);

function route(policy: Policy, set: WorkerSet, keys: readonly string[] = KEYS): string[] {
  return keys.map((k) => policy.select(set, req({ 'x-smg-routing-key': k }))?.id ?? '-');
}

void describe('consistent_hashing: x-smg-target-worker', () => {
  const fleet = createFleet(makeWorkers(4), ['w2']);
  const policy = createConsistentHashingPolicy(createTestDeps());
  const target = (value: string): string | undefined =>
    policy.select(fleet.set, req({ 'x-smg-target-worker': value }))?.id;

  void test('routes to the worker at that index of set.all', () => {
    assert.equal(target('0'), 'w0');
    assert.equal(target('3'), 'w3');
    assert.equal(target(' 1 '), 'w1');
  });

  void test('returns nothing, with no fallback, for an unavailable or invalid target', () => {
    for (const bad of ['2', '4', '99', '-1', '1.5', 'abc', '', '0x1', '1e0']) {
      assert.equal(target(bad), undefined, `target ${JSON.stringify(bad)}`);
    }
  });

  void test('takes precedence over a routing key', () => {
    const r = req({ 'x-smg-target-worker': '3', 'x-smg-routing-key': 'anything' });
    for (let i = 0; i < 20; i++) assert.equal(policy.select(fleet.set, r)?.id, 'w3');
  });
});

void describe('consistent_hashing: routing keys', () => {
  void test('a key always maps to the same worker, across instances and worker order', () => {
    const workers = makeWorkers(8);
    const set = createFleet(workers).set;
    const first = route(createConsistentHashingPolicy(createTestDeps(1)), set);
    const policy = createConsistentHashingPolicy(createTestDeps(2));
    assert.deepEqual(route(policy, set), first);
    assert.deepEqual(route(policy, set), first);
    const reversed = createFleet([...workers].reverse()).set;
    assert.deepEqual(route(createConsistentHashingPolicy(createTestDeps(3)), reversed), first);
  });

  void test('spreads keys over every worker within a reasonable band', () => {
    const set = createFleet(makeWorkers(8)).set;
    const counts = new Map<string, number>();
    for (const id of route(createConsistentHashingPolicy(createTestDeps()), set)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    assert.equal(counts.size, 8);
    const fair = KEYS.length / 8;
    for (const c of counts.values()) assert.ok(c > fair * 0.5 && c < fair * 1.5, `count ${c}`);
  });

  void test('adding a worker moves only about 1/W of keys, all of them to the new worker', () => {
    const fleet = createFleet(makeWorkers(10));
    const policy = createConsistentHashingPolicy(createTestDeps());
    const before = route(policy, fleet.set);
    const set = fleet.add(makeWorker(10));
    policy.onWorkersChanged?.(set);
    const after = route(policy, set);
    let moved = 0;
    after.forEach((id, i) => {
      if (id === before[i]) return;
      moved++;
      assert.equal(id, 'w10', `key ${KEYS[i]} moved between old workers`);
    });
    const fraction = moved / KEYS.length;
    assert.ok(fraction > 0.5 / 11 && fraction < 2 / 11, `moved ${fraction}`);
  });

  void test('an unavailable worker loses only its own keys, and gets them back on return', () => {
    const fleet = createFleet(makeWorkers(6));
    const policy = createConsistentHashingPolicy(createTestDeps());
    const before = route(policy, fleet.set);
    const down = route(policy, fleet.setAvailable('w3', false)); // version change only
    before.forEach((id, i) => {
      if (id === 'w3') assert.notEqual(down[i], 'w3');
      else assert.equal(down[i], id);
    });
    assert.deepEqual(route(policy, fleet.setAvailable('w3', true)), before);
  });
});

void describe('consistent_hashing: implicit keys and fallback', () => {
  const set = createFleet(makeWorkers(8)).set;
  const policy = createConsistentHashingPolicy(createTestDeps());
  const pick = (headers: Record<string, string>): string | undefined =>
    policy.select(set, req(headers))?.id;
  const byKey = (key: string): string | undefined => pick({ 'x-smg-routing-key': key });

  void test('uses authorization, then x-forwarded-for, then cookie', () => {
    for (let i = 0; i < 50; i++) {
      const [auth, xff, cookie] = [`Bearer t${i}`, `10.0.0.${i}`, `sid=${i}`];
      assert.equal(pick({ authorization: auth, 'x-forwarded-for': xff, cookie }), byKey(auth));
      assert.equal(pick({ 'x-forwarded-for': xff, cookie }), byKey(xff));
      assert.equal(pick({ cookie }), byKey(cookie));
    }
  });

  void test('an explicit routing key wins over implicit ones', () => {
    const diverging = Array.from({ length: 50 }, (_, i) => i).find(
      (i) => byKey(`k${i}`) !== byKey(`Bearer t${i}`),
    );
    assert.ok(diverging !== undefined);
    const headers = { 'x-smg-routing-key': `k${diverging}`, authorization: `Bearer t${diverging}` };
    assert.equal(pick(headers), byKey(`k${diverging}`));
  });

  void test('with no key at all, picks at random over every available worker', () => {
    const seen = new Set(Array.from({ length: 400 }, () => pick({})));
    assert.equal(seen.size, 8);
  });
});
