import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Publisher } from 'zeromq';
import { startMockEngine, type MockEngine } from '../../../src/mock-engine';
import { subscribeKvEvents, type KvIncident } from '../../../src/kv-events/subscriber';
import { createWorkerBlocks, type WorkerBlocks } from '../../../src/kv-events/worker-blocks';
import { seqBytes } from '../../../src/kv-events/decode';
import { loadNative } from '../../../src/native';
import { ROUTING_TOKEN_SEED } from '../../../src/routing/prefix-routing';
import { eventually, postJson } from '../../helpers/gateway';

const native = loadNative();
const hasher = (t: Uint32Array, bs: number, seed: bigint): BigUint64Array =>
  native.chainedBlockHashes(t, bs, seed);
const ids = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

interface Probe {
  blocks: WorkerBlocks;
  incidents: KvIncident[];
  resets: string[];
  live: boolean;
  close(): void;
}

function subscribe(endpoint: string, replayEndpoint?: string): Probe {
  const incidents: KvIncident[] = [];
  const resets: string[] = [];
  const blocks = createWorkerBlocks({
    hasher,
    rootSeed: ROUTING_TOKEN_SEED,
    count: () => undefined,
  });
  const p: Probe = { blocks, incidents, resets, live: false, close: () => undefined };
  const sub = subscribeKvEvents({
    endpoint,
    ...(replayEndpoint !== undefined ? { replayEndpoint } : {}),
    sink: {
      batch: (b) => void blocks.apply(0, b),
      reset: (r) => {
        resets.push(r);
        blocks.resetRank(0);
      },
      live: (ok) => (p.live = ok),
      count: (k) => incidents.push(k),
    },
  });
  p.close = () => sub.close();
  return p;
}

const holds = (p: Probe, tokens: number[], bs: number): boolean =>
  [...hasher(Uint32Array.from(tokens), bs, ROUTING_TOKEN_SEED)].every((h) => p.blocks.has(h));

async function complete(e: MockEngine, prompt: number[]): Promise<void> {
  const r = await postJson(`${e.url}/v1/completions`, { model: 'm', prompt, max_tokens: 1 });
  assert.equal(r.status, 200);
  await r.text();
}

for (const format of ['array', 'map'] as const) {
  void test(`mock engine events (${format}): stores, evictions, flush; a gap is replayed; a restart clears`, async () => {
    const e = await startMockEngine({
      model: 'm',
      blockSize: 4,
      kvCapacityTokens: 4 * 64,
      kvEvents: { endpoint: 'tcp://127.0.0.1:*', replayEndpoint: 'tcp://127.0.0.1:*', format },
    });
    const kv = e.kvEvents!;
    const p = subscribe(kv.endpoint, kv.replayEndpoint);
    try {
      await eventually(() => p.live, 5000);
      const a = ids(16, 100);
      // ZeroMQ PUB/SUB joins asynchronously: publish until the subscription delivers
      await eventually(async () => {
        await complete(e, a);
        await kv.flush();
        return holds(p, a, 4);
      }, 5000);
      // an extension stores only the new blocks, chained on the old ones
      const ab = [...a, ...ids(8, 500)];
      await complete(e, ab);
      await kv.flush();
      await eventually(() => holds(p, ab, 4));
      // a dropped batch is a gap: the next batch triggers a replay that fills it
      kv.dropNext(1);
      const c = ids(8, 900);
      await complete(e, c);
      await kv.flush();
      const d = ids(8, 1300);
      await complete(e, d);
      await kv.flush();
      await eventually(() => holds(p, c, 4) && holds(p, d, 4), 5000);
      assert.ok(p.incidents.includes('gap'));
      assert.ok(p.incidents.includes('replay'));
      // memory pressure: evicted blocks leave
      const before = p.blocks.size;
      assert.equal(kv.evict(3), 3);
      await kv.flush();
      await eventually(() => p.blocks.size === before - 3);
      // a restart: seq counts from 0 again, no AllBlocksCleared is ever sent
      kv.restart();
      const f = ids(8, 2000);
      await complete(e, f);
      await kv.flush();
      await eventually(() => p.resets.includes('restart'));
      await eventually(() => holds(p, f, 4));
      assert.equal(holds(p, a, 4), false, 'blocks from before the restart are gone');
      // POST /flush_cache → AllBlocksCleared
      await (await postJson(`${e.url}/flush_cache`, {})).text();
      await eventually(() => p.blocks.size === 0);
    } finally {
      p.close();
      await e.close();
    }
  });
}

void test('garbage frames, truncated msgpack and a flood are counted, never fatal; an unreachable endpoint is not live', async () => {
  const pub = new Publisher({ linger: 0 });
  await pub.bind('tcp://127.0.0.1:*');
  const incidents: KvIncident[] = [];
  const resets: string[] = [];
  let live = false;
  let batches = 0;
  const sub = subscribeKvEvents({
    endpoint: pub.lastEndpoint!,
    maxBatchesPerSec: 50,
    sink: {
      batch: () => batches++,
      reset: (r) => resets.push(r),
      live: (ok) => (live = ok),
      count: (k) => incidents.push(k),
    },
  });
  const dead = subscribeKvEvents({
    endpoint: 'tcp://127.0.0.1:1',
    sink: {
      batch: () => undefined,
      reset: () => undefined,
      live: (ok) => assert.equal(ok, false),
      count: () => undefined,
    },
  });
  try {
    await eventually(() => live, 5000);
    await eventually(async () => {
      await pub.send([Buffer.from('t'), Buffer.from('x')]); // 2 frames
      return incidents.includes('garbage');
    }, 5000);
    await pub.send([Buffer.from('t'), seqBytes(0n), Buffer.from([0x93, 0xcb])]); // truncated
    await pub.send([Buffer.from('t'), seqBytes(1n), Buffer.from('garbage')]);
    await eventually(() => incidents.filter((k) => k === 'garbage').length >= 3);
    for (let i = 0; i < 200; i++) {
      await pub.send([Buffer.from('t'), seqBytes(BigInt(2 + i)), Buffer.from([0x90])]);
    }
    await eventually(() => incidents.includes('flood'));
    assert.equal(live, false, 'a flooding source is not trusted');
    assert.ok(resets.includes('lost'));
  } finally {
    sub.close();
    dead.close();
    pub.close();
  }
});
