import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExactIndex } from '../../../src/kv-events/exact-index';

const H = (...xs: number[]): BigUint64Array => BigUint64Array.from(xs.map(BigInt));
const all = new Set(['a', 'b', 'c']);

void test('confirmed blocks match as leading runs and leave only on removal or clear', () => {
  let now = 0;
  const ix = createExactIndex({ now: () => now, speculativeMs: 100 });
  ix.confirm('m', 'a', H(1, 2, 3));
  ix.confirm('m', 'b', H(1, 3)); // b lacks block 2: its match stops at 1
  assert.deepEqual(ix.match('m', H(1, 2, 3, 4), all, 8), {
    totalBlocks: 4,
    best: [
      { workerId: 'a', blocks: 3 },
      { workerId: 'b', blocks: 1 },
    ],
  });
  now = 1e9; // confirmed entries never expire
  assert.equal(ix.match('m', H(1, 2, 3), all, 8).best[0]?.blocks, 3);
  ix.remove('m', 'a', H(2));
  assert.deepEqual(ix.match('m', H(1, 2, 3), all, 8).best, [
    { workerId: 'a', blocks: 1 },
    { workerId: 'b', blocks: 1 },
  ]);
  assert.equal(ix.confirmedBlocks('a'), 2);
  assert.deepEqual(ix.match('m', H(1), new Set(['b']), 8).best, [{ workerId: 'b', blocks: 1 }]);
  ix.clearWorker('a');
  assert.equal(ix.confirmedBlocks('a'), 0);
  assert.deepEqual(ix.match('m', H(1), all, 8).best, [{ workerId: 'b', blocks: 1 }]);
});

void test('speculative entries expire unless confirmed; confirmation makes them permanent', () => {
  let now = 0;
  const ix = createExactIndex({ now: () => now, speculativeMs: 100 });
  ix.speculate('m', 'a', H(1, 2));
  ix.speculate('m', 'b', H(1, 2));
  assert.equal(ix.match('m', H(1, 2), all, 8).best.length, 2);
  ix.confirm('m', 'b', H(1, 2));
  now = 150;
  assert.deepEqual(ix.match('m', H(1, 2), all, 8).best, [{ workerId: 'b', blocks: 2 }]);
  // the sweep really deletes expired entries (the next speculate sweeps)
  ix.speculate('m', 'c', H(9));
  now = 300;
  ix.speculate('m', 'c', H(10));
  assert.deepEqual(ix.match('m', H(9), all, 8).best, []);
  // a speculative entry never downgrades a confirmed one
  ix.speculate('m', 'b', H(1));
  now = 10_000;
  assert.equal(ix.match('m', H(1, 2), all, 8).best[0]?.blocks, 2);
});

void test('page size: the first proposal wins per model', () => {
  const ix = createExactIndex({ now: () => 0 });
  assert.equal(ix.blockSize('m'), undefined);
  assert.equal(ix.blockSize('m', 16), 16);
  assert.equal(ix.blockSize('m', 32), 16);
});
