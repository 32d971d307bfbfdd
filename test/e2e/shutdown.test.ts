import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startCliEngines, startCliGateway } from '../helpers/processes';

for (const workers of ['1', '2']) {
  test(`SIGTERM during a long stream (--workers ${workers}): readiness 503 draining, the stream completes, exit 0`, async () => {
    const engine = await startCliEngines(1, ['--token-delay-ms', '100']);
    const gateway = await startCliGateway([
      ...['--workers', workers, '--shutdown-grace-period-secs', '6'],
      ...['--worker-urls', ...engine.urls],
    ]);
    const gw = gateway.url;
    try {
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
      const exited = new Promise<number | null>((r) =>
        gateway.proc.child.once('exit', (c) => r(c)),
      );
      gateway.proc.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      const ready = await fetch(`${gw}/readiness`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'not ready', reason: 'draining' });
      const body = await text;
      assert.ok(body.includes('data: [DONE]'), 'the in-flight stream ran to completion');
      assert.equal(body.split('\n\n').filter((e) => e.startsWith('data: {')).length >= 30, true);
      assert.equal(await exited, 0);
    } finally {
      await gateway.proc.stop();
      await engine.proc.stop();
    }
  });
}
