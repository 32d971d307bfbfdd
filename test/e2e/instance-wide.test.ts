import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPost, startCliEngines, startCliGateway } from '../helpers/processes';

test('--workers 2: admission acts for the instance as a whole, not per process', async () => {
  const engines = await startCliEngines(2, ['--token-delay-ms', '60']);
  const [a, b] = engines.urls as [string, string];
  const gateway = await startCliGateway([
    ...['--workers', '2', '--worker-urls', a, b, '--max-concurrent-requests', '2'],
    ...['--rate-limit-tokens-per-second', '0', '--queue-size', '20'],
  ]);
  const gw = gateway.url;
  try {
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
    await gateway.proc.stop();
    await engines.proc.stop();
  }
});
