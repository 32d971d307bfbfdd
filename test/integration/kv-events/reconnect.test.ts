import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMockEngine, type MockEngine, type MockEngineOptions } from '../../../src/mock-engine';
import { closeAll, eventually, postJson, startTestGateway } from '../../helpers/gateway';

const ids = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Starts an engine on ports another one just left: retried while the kernel still holds them. */
async function restartOn(opts: MockEngineOptions): Promise<MockEngine> {
  let engine: MockEngine | undefined;
  await eventually(async () => {
    try {
      engine = await startMockEngine(opts);
      return true;
    } catch {
      return false; // EADDRINUSE for a moment
    }
  }, 5000);
  return engine as MockEngine;
}

void test('an engine that goes away and comes back on the same ports: events resume, its old blocks are void', async () => {
  const opts = { model: 'm', blockSize: 4, kvCapacityTokens: 4 * 256 };
  const first = await startMockEngine({
    ...opts,
    kvEvents: { endpoint: 'tcp://127.0.0.1:*', replayEndpoint: 'tcp://127.0.0.1:*' },
  });
  const port = Number(new URL(first.url).port);
  const kv = {
    endpoint: first.kvEvents!.endpoint,
    replayEndpoint: first.kvEvents!.replayEndpoint!,
  };
  const gw = await startTestGateway(['--worker-urls', first.url, '--policy', 'cache_aware']);
  let second: MockEngine | undefined;
  const value = async (name: string, labels: string): Promise<number> => {
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? NaN : Number(line.split(' ').pop());
  };
  const worker = `worker="${first.url}"`;
  const live = () => value('collie_kv_events_live', worker);
  const blocks = () => value('collie_kv_events_blocks', worker);
  const complete = async (e: MockEngine, prompt: number[]): Promise<void> => {
    const r = await postJson(`${e.url}/v1/completions`, { model: 'm', prompt, max_tokens: 1 });
    assert.equal(r.status, 200);
    await r.text();
    await e.kvEvents?.flush();
  };
  try {
    await eventually(async () => (await live()) === 1, 10_000);
    // the first process caches 3 + 2 blocks in two batches (seq 0, 1)
    await complete(first, ids(12, 100));
    await complete(first, ids(8, 500));
    await eventually(async () => (await blocks()) === 5, 10_000);

    // it goes away: the subscriber loses its connection, the worker is routed by prediction
    await first.close();
    await eventually(async () => (await live()) === 0, 10_000);
    assert.equal(await blocks(), 5, 'kept while unknown; unused while not live');

    // a new process on the same ports (HTTP, PUB, ROUTER): the subscriber reconnects by itself
    second = await restartOn({ ...opts, port, kvEvents: kv });
    await eventually(async () => (await live()) === 1, 10_000);
    // its first batch (seq 0) is missed, as when a restarted engine publishes before we are
    // back; seq 1 < the old process's next seq (2): a restart, and seq 0 is replayed
    second.kvEvents!.dropNext(1);
    await complete(second, ids(8, 900));
    await complete(second, ids(4, 1300));
    await eventually(async () => (await blocks()) === 3, 10_000);
    assert.ok((await value('collie_kv_events_incidents_total', `${worker},kind="restart"`)) >= 1);

    // routing agrees: the new process's prefix is found, the old one's is not
    const via = async (prompt: number[]) => {
      const r = await postJson(`${gw.url}/v1/completions`, { model: 'm', prompt, max_tokens: 1 });
      await r.text();
      return [r.headers.get('x-collie-route-source'), r.headers.get('x-collie-prefix-match')];
    };
    assert.deepEqual(await via(ids(8, 900)), ['events', '8/8']);
    assert.deepEqual(await via(ids(12, 100)), ['events', '0/12']);
  } finally {
    await closeAll(gw, first, ...(second ? [second] : []));
  }
});
