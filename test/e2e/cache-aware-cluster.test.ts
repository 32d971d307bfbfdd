import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPost, startCliEngines, startCliGateway } from '../helpers/processes';

async function fresh(url: string, body: unknown): Promise<{ worker: string; reason: string }> {
  const r = await freshPost(url, body);
  assert.equal(r.status, 200);
  return {
    worker: r.header('x-collie-worker') ?? '',
    reason: r.header('x-collie-route-reason') ?? '',
  };
}

test('--workers 2 cache_aware: a prefix routed by one process is a hit on the other', async () => {
  const engines = await startCliEngines(4);
  const gateway = await startCliGateway([
    ...['--workers', '2', '--policy', 'cache_aware', '--worker-urls', ...engines.urls],
  ]);
  const gw = gateway.url;
  try {
    const system = 'Shared system prompt for a support bot. '.repeat(30);
    const body = (q: string) => ({
      model: 'mock-model',
      max_tokens: 1,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: q },
      ],
    });
    const first = await fresh(`${gw}/v1/chat/completions`, body('first question'));
    await new Promise((r) => setTimeout(r, 50)); // > one routing-event batch
    for (let i = 0; i < 12; i++) {
      const r = await fresh(`${gw}/v1/chat/completions`, body(`first question, turn ${i}`));
      assert.equal(r.worker, first.worker, `turn ${i} left the engine holding the prefix`);
      assert.equal(r.reason, 'hit');
    }
  } finally {
    await gateway.proc.stop();
    await engines.proc.stop();
  }
});
