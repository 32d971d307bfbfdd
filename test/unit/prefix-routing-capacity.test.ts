import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryHub } from '../../src/state/memory-bus';
import { createSharedPrefixRouting } from '../../src/routing/prefix-routing';
import type { Worker } from '../../src/core/worker';
import { makeWorker } from './policies/fixtures';

function engine(id: string, labels: Record<string, string>): Worker {
  return { ...makeWorker(0), id, url: `http://127.0.0.1:9/${id}`, labels };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

async function heldAfter(ignoreEngineCapacity: boolean): Promise<Record<string, number>> {
  const hub = createMemoryHub();
  const routing = createSharedPrefixRouting({
    bus: hub.join('p'),
    blockSize: 4,
    defaultCapacityTokens: 40, // 10 blocks when the engine says nothing
    ignoreEngineCapacity,
  });
  try {
    hub.join('ctl').publish({
      t: 'registry',
      version: 1,
      // 'small' reports an engine KV of 24 tokens = 6 blocks
      workers: [engine('small', { max_total_num_tokens: '24' }), engine('plain', {})],
    });
    await settle();
    const hashes = routing.hashes('x'.repeat(4 * 4 * 20), 'm'); // 20 blocks
    routing.record('m', 'small', hashes);
    routing.record('m', 'plain', hashes);
    const out: Record<string, number> = {};
    for (const b of routing.match('m', hashes).best) out[b.workerId] = b.blocks;
    return out;
  } finally {
    routing.close();
  }
}

void test('per-worker capacity: the engine-reported KV size, else --max-tree-size', async () => {
  // the head of the prompt survives eviction, as in the engine's radix cache
  assert.deepEqual(await heldAfter(false), { small: 6, plain: 10 });
});

void test('smg mode bounds every worker by --max-tree-size alone, as SMG does', async () => {
  assert.deepEqual(await heldAfter(true), { small: 10, plain: 10 });
});
