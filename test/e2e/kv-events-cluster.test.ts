import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPost, startCliEngines, startCliGateway } from '../helpers/processes';

const ids = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

test('--workers 2: both ingress processes route by the events the primary ingests', async () => {
  const engines = await startCliEngines(3, [
    '--kv-events',
    'tcp://127.0.0.1:*',
    '--replay-port',
    '0',
  ]);
  const gateway = await startCliGateway([
    ...['--workers', '2', '--policy', 'cache_aware', '--worker-urls', ...engines.urls],
  ]);
  try {
    const prompt = ids(128, 4242);
    const body = { model: 'mock-model', prompt: [...prompt, ...ids(32, 9)], max_tokens: 1 };
    // a client that bypasses collie caches the prefix on the last engine; ZeroMQ joins
    // asynchronously, so repeat it until a routed request finds it by events
    const deadline = Date.now() + 20_000;
    let seen = 0;
    while (Date.now() < deadline && seen < 6) {
      const d = await freshPost(`${engines.urls[2]}/v1/completions`, {
        model: 'mock-model',
        prompt,
        max_tokens: 1,
      });
      assert.equal(d.status, 200);
      const r = await freshPost(`${gateway.url}/v1/completions`, body);
      assert.equal(r.status, 200);
      if (r.header('x-collie-route-reason') === 'hit; source=events') {
        // the bypassing client's 128 tokens, or all 160 once a routed request cached them
        const matched = Number((r.header('x-collie-prefix-match') ?? '0/0').split('/')[0]);
        assert.ok(matched >= 128, `matched ${matched}`);
        seen++;
      } else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(seen >= 6, 'fresh connections (both processes) routed by events');
  } finally {
    await gateway.proc.stop();
    await engines.proc.stop();
  }
});
