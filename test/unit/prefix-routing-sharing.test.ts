import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryHub } from '../../src/state/memory-bus';
import { createSharedPrefixRouting } from '../../src/routing/prefix-routing';
import { routingHashes } from '../../src/routing/prefix-index';
import type { StateMessage } from '../../src/state/bus';
import { makeWorkers } from './policies/fixtures';

const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Two replicas on one in-process bus, the registry of `workers` published, and a spy. */
async function replicas(flushMs: number, workers: number) {
  const hub = createMemoryHub();
  const make = (id: string) =>
    createSharedPrefixRouting({
      bus: hub.join(id),
      blockSize: 4,
      defaultCapacityTokens: 1 << 20,
      flushMs,
    });
  const a = make('a');
  const b = make('b');
  const seen: StateMessage[] = [];
  hub.join('spy').subscribe((m) => seen.push(m));
  hub.join('ctl').publish({ t: 'registry', version: 1, workers: makeWorkers(workers) });
  await settle();
  const close = (): void => {
    a.close();
    b.close();
  };
  return { a, b, routed: () => seen.filter((m) => m.t === 'routed'), close };
}

void test('replicas share decisions: lookup + recordLookup here is a hit there, by worker URL', async () => {
  const { a, b, routed: sent, close } = await replicas(1, 3);
  try {
    const text = 'a system prompt, then the conversation so far. '.repeat(8);
    const first = a.lookup(text, 'm');
    assert.equal(first.totalBlocks, routingHashes(text, 4).length);
    assert.deepEqual(first.best, []);
    a.recordLookup('m', 'w1');
    // a decision for a worker the registry does not know stays local
    a.lookup('another prompt entirely, long enough for blocks', 'm');
    a.recordLookup('m', 'ghost');
    a.record('m', 'w2', routingHashes(text.slice(0, 64), 4)); // the explicit-hashes path
    await settle();
    const routed = sent();
    assert.equal(routed.length, 1);
    const events = routed[0]?.t === 'routed' ? routed[0].events : [];
    assert.deepEqual(
      events.map((e) => [e.worker, Buffer.from(e.hashes, 'base64').length / 8]),
      [
        ['http://worker-1.test:8000', routingHashes(text, 4).length],
        ['http://worker-2.test:8000', 4],
      ],
    );
    assert.deepEqual(
      Buffer.from(events[0]?.hashes ?? '', 'base64'),
      Buffer.from(routingHashes(text, 4).buffer),
    );
    const there = b.lookup(text + ' and a new question', 'm');
    assert.deepEqual(there.best, [
      { workerId: 'w1', blocks: routingHashes(text, 4).length },
      { workerId: 'w2', blocks: 4 },
    ]);
    assert.ok((a.heldBlocks?.('w1') ?? 0) > 0 && (b.heldBlocks?.('w1') ?? 0) > 0);
    a.clearEverywhere();
    await settle();
    assert.deepEqual(b.lookup(text, 'm').best, []);
    // the per-worker counts that spread new prefixes restart with the empty index
    assert.deepEqual([a.heldBlocks?.('w1'), b.heldBlocks?.('w1')], [0, 0]);
  } finally {
    close();
  }
});

void test('a clear from another replica drops the decisions not yet published here', async () => {
  const { a, b, routed, close } = await replicas(50, 2);
  try {
    const text = 'a prompt decided just before somebody flushed the cache. '.repeat(4);
    a.lookup(text, 'm');
    a.recordLookup('m', 'w0'); // queued for the flush in 50 ms
    b.clearEverywhere();
    await settle(120);
    assert.deepEqual(routed(), []);
    assert.deepEqual(a.lookup(text, 'm').best, []);
    assert.deepEqual(b.lookup(text, 'm').best, []);
  } finally {
    close();
  }
});

void test('a decision on a prompt shorter than one block is not published (nothing to share)', async () => {
  const { a, b, routed, close } = await replicas(1, 2);
  try {
    assert.equal(a.lookup('hi', 'm').totalBlocks, 0);
    a.recordLookup('m', 'w0');
    a.record('m', 'w1', new BigUint64Array(0));
    await settle();
    assert.equal(routed().length, 0, 'no routed message for empty decisions');
    // the next decision with blocks still travels, hashes aligned with its own blocks
    const text = 'a prompt long enough for several blocks of four. '.repeat(2);
    a.lookup(text, 'm');
    a.recordLookup('m', 'w1');
    await settle();
    const events = routed().flatMap((m) => (m.t === 'routed' ? m.events : []));
    assert.deepEqual(
      events.map((e) => [e.worker, Buffer.from(e.hashes, 'base64')]),
      [['http://worker-1.test:8000', Buffer.from(routingHashes(text, 4).buffer)]],
    );
    assert.deepEqual(b.lookup(text, 'm').best, [
      { workerId: 'w1', blocks: routingHashes(text, 4).length },
    ]);
  } finally {
    close();
  }
});
