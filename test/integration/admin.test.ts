import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngines, startTestGateway, closeAll, postJson } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

describe('admin routes', () => {
  test('/flush_cache: 200 when every engine flushed, 206 partial with the failures', async () => {
    const [a, b] = (await startEngines(2)) as [MockEngine, MockEngine];
    const gw = await startTestGateway(['--worker-urls', a.url, b.url]);
    try {
      const ok = await fetch(`${gw.url}/flush_cache`, { method: 'POST' });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), {
        status: 'success',
        message: 'Successfully flushed cache on all 2 workers',
        workers_flushed: 2,
        total_http_workers: 2,
        total_grpc_workers: 0,
        total_zmq_workers_skipped: 0,
        total_workers: 2,
      });
      b.setFault({ status: 500 });
      const partial = await fetch(`${gw.url}/flush_cache`, { method: 'POST' });
      assert.equal(partial.status, 206);
      assert.deepEqual(await partial.json(), {
        status: 'partial_success',
        message: 'Cache flush: 1 succeeded, 1 failed',
        workers_flushed: 1,
        total_http_workers: 2,
        total_grpc_workers: 0,
        total_zmq_workers_skipped: 0,
        total_workers: 2,
        successful: [a.url],
        failed: [
          {
            worker: b.url,
            error: `flush_cache failed for worker ${b.url}: HTTP 500 Internal Server Error`,
          },
        ],
      });
    } finally {
      await closeAll(gw, a, b);
    }
  });

  test('/get_loads reports each engine’s load and details', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    const gw = await startTestGateway(['--worker-urls', a.url]);
    try {
      const r = await fetch(`${gw.url}/get_loads`);
      assert.equal(r.status, 200);
      const body = (await r.json()) as {
        workers: Array<{ worker: string; load: number; details?: { loads: unknown[] } }>;
      };
      assert.equal(body.workers.length, 1);
      assert.equal(body.workers[0]?.worker, a.url);
      assert.equal(body.workers[0]?.load, 0);
      assert.ok(Array.isArray(body.workers[0]?.details?.loads));
    } finally {
      await closeAll(gw, a);
    }
  });

  test('the load monitor feeds power_of_two with engine KV usage', async () => {
    const [busy, idle] = (await startEngines(2, {
      tokenDelayMs: 100,
      kvCapacityTokens: 40_000,
    })) as [MockEngine, MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      busy.url,
      idle.url,
      '--policy',
      'power_of_two',
      '--load-monitor-interval',
      '1',
    ]);
    try {
      // a long, large request straight to one engine: the gateway's in-flight counts stay 0/0
      const prompt = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
      const hog = postJson(`${busy.url}/generate`, {
        text: prompt,
        sampling_params: { max_new_tokens: 40 },
      });
      await new Promise((r) => setTimeout(r, 1500));
      const seen = new Map<string, number>();
      for (let i = 0; i < 10; i++) {
        const r = await postJson(`${gw.url}/generate`, {
          text: 'short',
          sampling_params: { max_new_tokens: 1 },
        });
        const id = r.headers.get('x-worker-id') ?? '';
        seen.set(id, (seen.get(id) ?? 0) + 1);
        await r.text();
      }
      assert.equal(
        seen.get(idle.workerId),
        10,
        `expected all on the idle engine, got ${JSON.stringify([...seen])}`,
      );
      await hog;
    } finally {
      await closeAll(gw, busy, idle);
    }
  });
});
