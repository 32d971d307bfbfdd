import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngines, startTestGateway, closeAll, postJson } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

const slowChat = { model: 'mock-model', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] };

describe('admission (--max-concurrent-requests, queue, rate)', () => {
  test('concurrency cap with a queue: excess waits and is served', async () => {
    const [engine] = (await startEngines(1, { tokenDelayMs: 50 })) as [MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--max-concurrent-requests',
      '2',
      '--rate-limit-tokens-per-second',
      '0',
      '--queue-size',
      '10',
    ]);
    try {
      let peak = 0;
      const watch = setInterval(() => (peak = Math.max(peak, engine.stats().running)), 5);
      const rs = await Promise.all(
        Array.from({ length: 6 }, () => postJson(`${gw.url}/v1/chat/completions`, slowChat)),
      );
      clearInterval(watch);
      assert.deepEqual(
        rs.map((r) => r.status),
        [200, 200, 200, 200, 200, 200],
      );
      assert.ok(peak <= 2, `engine saw ${peak} concurrent requests with a cap of 2`);
    } finally {
      await closeAll(gw, engine);
    }
  });

  test('queue full → 429 empty body; queue timeout → 408 empty body', async () => {
    const [engine] = (await startEngines(1, { tokenDelayMs: 400 })) as [MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--max-concurrent-requests',
      '1',
      '--rate-limit-tokens-per-second',
      '0',
      '--queue-size',
      '1',
      '--queue-timeout-secs',
      '1',
    ]);
    try {
      const rs = await Promise.all(
        Array.from({ length: 3 }, () => postJson(`${gw.url}/v1/chat/completions`, slowChat)),
      );
      const statuses = rs.map((r) => r.status).sort();
      // 1 runs (1.6 s), 1 waits in the queue and times out after 1 s, 1 finds the queue full
      assert.deepEqual(statuses, [200, 408, 429]);
      for (const r of rs) if (r.status !== 200) assert.equal(await r.text(), '');
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      assert.match(metrics, /smg_http_rate_limit_total\{result="rejected"\} 2/);
    } finally {
      await closeAll(gw, engine);
    }
  });

  test('public and admin routes are not limited', async () => {
    const [engine] = (await startEngines(1, { tokenDelayMs: 300 })) as [MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--max-concurrent-requests',
      '1',
      '--rate-limit-tokens-per-second',
      '0',
      '--queue-size',
      '0',
    ]);
    try {
      const busy = postJson(`${gw.url}/v1/chat/completions`, slowChat);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await postJson(`${gw.url}/v1/chat/completions`, slowChat)).status, 429);
      assert.equal((await fetch(`${gw.url}/readiness`)).status, 200);
      assert.equal((await fetch(`${gw.url}/workers`)).status, 200);
      assert.equal((await busy).status, 200);
    } finally {
      await closeAll(gw, engine);
    }
  });
});
