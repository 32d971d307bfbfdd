import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCollie, freePort, waitFor, freshPost } from '../helpers/processes';

test('--workers 2: admission acts for the instance as a whole, not per process', async () => {
  const ep = await freePort();
  const engines = runCollie([
    'mock-engine',
    '--host',
    '127.0.0.1',
    '--port',
    String(ep),
    '--count',
    '2',
    '--token-delay-ms',
    '60',
  ]);
  const [a, b] = [`http://127.0.0.1:${ep}`, `http://127.0.0.1:${ep + 1}`];
  const gp = await freePort();
  const gw = `http://127.0.0.1:${gp}`;
  const gateway = runCollie([
    'launch',
    '--host',
    '127.0.0.1',
    '--port',
    String(gp),
    '--workers',
    '2',
    '--log-level',
    'warn',
    '--prometheus-host',
    '127.0.0.1',
    '--prometheus-port',
    '0',
    '--worker-urls',
    a,
    b,
    '--max-concurrent-requests',
    '2',
    '--rate-limit-tokens-per-second',
    '0',
    '--queue-size',
    '20',
  ]);
  try {
    await waitFor(`${a}/health`);
    await waitFor(`${b}/health`);
    await waitFor(`${gw}/readiness`);
    let peak = 0;
    const running = async (): Promise<number> => {
      let n = 0;
      for (const u of [a, b]) {
        const l = (await (await fetch(`${u}/v1/loads`)).json()) as {
          loads: Array<{ num_running_reqs: number }>;
        };
        n += l.loads[0]?.num_running_reqs ?? 0;
      }
      return n;
    };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        peak = Math.max(peak, await running());
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const body = { model: 'mock-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    const statuses = await Promise.all(
      Array.from(
        { length: 8 },
        async () => (await freshPost(`${gw}/v1/chat/completions`, body)).status,
      ),
    );
    watching = false;
    await watcher;
    assert.deepEqual(statuses, Array(8).fill(200));
    assert.ok(peak <= 2, `engines ran ${peak} requests at once with an instance-wide cap of 2`);
    assert.ok(peak >= 1);
  } finally {
    await gateway.stop();
    await engines.stop();
  }
});
