import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Worker } from '../../../src/core/worker';
import { createHashRingBuilder, toUnsigned64 } from '../../../src/policies/hash-ring';
import { makeWorkers, testHash64 } from './fixtures';

const VNODES = 150;

/** Brute force: owner of the smallest position >= hash, else of the smallest position overall. */
function bruteLookup(workers: readonly Worker[], hash: bigint): Worker | undefined {
  let next: [bigint, Worker] | undefined;
  let lowest: [bigint, Worker] | undefined;
  for (const w of workers) {
    for (let i = 0; i < VNODES; i++) {
      const p = toUnsigned64(testHash64(`${w.url}#${i}`));
      if (!lowest || p < lowest[0]) lowest = [p, w];
      if (p >= hash && (!next || p < next[0])) next = [p, w];
    }
  }
  return (next ?? lowest)?.[1];
}

void describe('hash ring', () => {
  void test('an empty ring finds nothing', () => {
    const ring = createHashRingBuilder(testHash64).build([]);
    assert.equal(ring.size, 0);
    assert.equal(ring.lookup(123n), undefined);
  });

  void test('lookup is the first virtual node clockwise, matching a brute-force scan', () => {
    const workers = makeWorkers(7);
    const ring = createHashRingBuilder(testHash64).build(workers);
    assert.equal(ring.size, 7 * VNODES);
    const probes = [0n, 1n, (1n << 64n) - 1n, 1n << 63n, -1n, -(1n << 63n)];
    for (let i = 0; i < 300; i++) probes.push(testHash64(`probe-${i}`));
    for (const h of probes) {
      assert.equal(ring.lookup(h), bruteLookup(workers, toUnsigned64(h)), `hash ${h}`);
    }
  });

  void test('a virtual node position maps to its own worker (inclusive bound)', () => {
    const workers = makeWorkers(5);
    const ring = createHashRingBuilder(testHash64).build(workers);
    for (const w of workers) {
      for (const i of [0, 17, 149]) assert.equal(ring.lookup(testHash64(`${w.url}#${i}`)), w);
    }
  });

  void test('rebuilding reuses cached positions and reflects the new worker list', () => {
    let calls = 0;
    const counting = (key: string): bigint => {
      calls++;
      return testHash64(key);
    };
    const builder = createHashRingBuilder(counting);
    const workers = makeWorkers(4);
    builder.build(workers);
    assert.equal(calls, 4 * VNODES);
    const ring = builder.build(workers.slice(1));
    assert.equal(calls, 4 * VNODES);
    for (let i = 0; i < 200; i++) assert.notEqual(ring.lookup(testHash64(`k${i}`)), workers[0]);
    builder.prune(workers.slice(1));
    builder.build(workers);
    assert.equal(calls, 5 * VNODES);
  });
});
