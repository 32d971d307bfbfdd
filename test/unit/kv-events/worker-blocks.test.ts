import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNative } from '../../../src/native';
import { decodeBatch } from '../../../src/kv-events/decode';
import { encodeBatch, type WireEvent } from '../../../src/kv-events/encode';
import { createWorkerBlocks } from '../../../src/kv-events/worker-blocks';
import { ROUTING_TOKEN_SEED } from '../../../src/routing/prefix-routing';

const native = loadNative();
const hasher = (t: Uint32Array, bs: number, seed: bigint): BigUint64Array =>
  native.chainedBlockHashes(t, bs, seed);
const batch = (events: WireEvent[]) => decodeBatch(encodeBatch(events, { format: 'map', ts: 1 }));
const tokens = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);
/** What a request with these token ids hashes to (the request side of the index). */
const requestHashes = (ids: number[]): bigint[] => [
  ...hasher(Uint32Array.from(ids), 4, ROUTING_TOKEN_SEED),
];

void test('stores chained in collie hash space equal the request-side hashes, across events', () => {
  const incidents: string[] = [];
  const w = createWorkerBlocks({
    hasher,
    rootSeed: ROUTING_TOKEN_SEED,
    count: (k) => incidents.push(k),
  });
  const ids = tokens(12);
  // the engine stores blocks 0-1, then block 2 in a later event with block 1 as its parent
  const d1 = w.apply(
    0,
    batch([
      {
        type: 'BlockStored',
        block_hashes: [901n, 902n],
        parent_block_hash: null,
        token_ids: ids.slice(0, 8),
        block_size: 4,
      },
    ]),
  );
  const d2 = w.apply(
    0,
    batch([
      {
        type: 'BlockStored',
        block_hashes: [903n],
        parent_block_hash: 902n,
        token_ids: ids.slice(8),
        block_size: 4,
      },
    ]),
  );
  assert.deepEqual([...d1.stored, ...d2.stored], requestHashes(ids));
  assert.equal(w.blockSize, 4);
  assert.equal(w.size, 3);
  // removal by engine hash maps back to collie's
  const d3 = w.apply(0, batch([{ type: 'BlockRemoved', block_hashes: [903n, 999n] }]));
  assert.deepEqual(d3.removed, [requestHashes(ids)[2]]);
  // an unknown parent cannot be placed in the chain
  w.apply(
    0,
    batch([
      {
        type: 'BlockStored',
        block_hashes: [5n],
        parent_block_hash: 77n,
        token_ids: tokens(4),
        block_size: 4,
      },
    ]),
  );
  // another page size than the one in force
  w.apply(
    0,
    batch([
      {
        type: 'BlockStored',
        block_hashes: [6n],
        parent_block_hash: null,
        token_ids: tokens(8),
        block_size: 8,
      },
    ]),
  );
  assert.deepEqual(incidents, ['orphan', 'block_size_mismatch']);
  const d4 = w.apply(0, batch([{ type: 'AllBlocksCleared' }]));
  assert.equal(d4.cleared, true);
  assert.equal(w.size, 0);
});

void test('DP ranks: a block stays held while any rank holds it; a rank reset voids only its own', () => {
  const w = createWorkerBlocks({ hasher, rootSeed: ROUTING_TOKEN_SEED, count: () => undefined });
  const ids = tokens(4);
  const ev: WireEvent = {
    type: 'BlockStored',
    block_hashes: [1n],
    parent_block_hash: null,
    token_ids: ids,
    block_size: 4,
  };
  assert.equal(w.apply(0, batch([ev])).stored.length, 1);
  assert.equal(w.apply(1, batch([ev])).stored.length, 0, 'already held by rank 0');
  const r = w.resetRank(0);
  assert.deepEqual(r, { stored: [], removed: [], cleared: false });
  assert.equal(w.size, 1);
  const r1 = w.resetRank(1);
  assert.equal(r1.cleared, true);
});

void test('a delta is the net effect of its batch (store, remove, store again)', () => {
  const w = createWorkerBlocks({ hasher, rootSeed: ROUTING_TOKEN_SEED, count: () => undefined });
  const ev: WireEvent = {
    type: 'BlockStored',
    block_hashes: [1n],
    parent_block_hash: null,
    token_ids: tokens(4),
    block_size: 4,
  };
  const rm: WireEvent = { type: 'BlockRemoved', block_hashes: [1n] };
  assert.deepEqual(w.apply(0, batch([ev, rm])), { stored: [], removed: [], cleared: false });
  const d = w.apply(0, batch([ev, rm, ev]));
  assert.equal(d.stored.length, 1);
  assert.equal(d.removed.length, 0);
  const d2 = w.apply(0, batch([rm, ev, rm]));
  assert.equal(d2.removed.length, 1);
  assert.equal(d2.stored.length, 0);
});
