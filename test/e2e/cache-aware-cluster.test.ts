import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { runCollie, freePort, waitFor } from '../helpers/processes';

/** POST on a brand-new connection, so requests spread over both ingress processes. */
async function fresh(url: string, body: unknown): Promise<{ worker: string; reason: string }> {
  const agent = new Agent({ connections: 1 });
  try {
    const r = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await r.body.text();
    assert.equal(r.statusCode, 200);
    return {
      worker: String(r.headers['x-collie-worker']),
      reason: String(r.headers['x-collie-route-reason']),
    };
  } finally {
    await agent.close();
  }
}

test('--workers 2 cache_aware: a prefix routed by one process is a hit on the other', async () => {
  const ep = await freePort();
  const engines = runCollie([
    'mock-engine',
    '--host',
    '127.0.0.1',
    '--port',
    String(ep),
    '--count',
    '4',
  ]);
  const urls = [0, 1, 2, 3].map((i) => `http://127.0.0.1:${ep + i}`);
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
    '--policy',
    'cache_aware',
    '--worker-urls',
    ...urls,
  ]);
  try {
    for (const u of urls) await waitFor(`${u}/health`);
    await waitFor(`${gw}/readiness`);
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
    await gateway.stop();
    await engines.stop();
  }
});
