import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { runCollie, freePort, waitFor } from '../helpers/processes';

for (const workers of ['1', '2']) {
  test(`SIGTERM during a long stream (--workers ${workers}): readiness 503 draining, the stream completes, exit 0`, async () => {
    const ep = await freePort();
    const engine = runCollie([
      'mock-engine',
      '--host',
      '127.0.0.1',
      '--port',
      String(ep),
      '--token-delay-ms',
      '100',
    ]);
    const gp = await freePort();
    const gw = `http://127.0.0.1:${gp}`;
    const gateway = runCollie([
      'launch',
      '--prometheus-host',
      '127.0.0.1',
      '--prometheus-port',
      '0',
      '--host',
      '127.0.0.1',
      '--port',
      String(gp),
      '--workers',
      workers,
      '--log-level',
      'warn',
      '--shutdown-grace-period-secs',
      '6',
      '--worker-urls',
      `http://127.0.0.1:${ep}`,
    ]);
    try {
      await waitFor(`http://127.0.0.1:${ep}/health`);
      await waitFor(`${gw}/readiness`);
      const res = await request(`${gw}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'mock-model',
          stream: true,
          max_tokens: 30,
          messages: [{ role: 'user', content: 'long' }],
        }),
      });
      assert.equal(res.statusCode, 200);
      const text = res.body.text();
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((r) => gateway.child.once('exit', (c) => r(c)));
      gateway.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      const ready = await fetch(`${gw}/readiness`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'not ready', reason: 'draining' });
      const body = await text;
      assert.ok(body.includes('data: [DONE]'), 'the in-flight stream ran to completion');
      assert.equal(body.split('\n\n').filter((e) => e.startsWith('data: {')).length >= 30, true);
      assert.equal(await exited, 0);
    } finally {
      await gateway.stop();
      await engine.stop();
    }
  });
}
