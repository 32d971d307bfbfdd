import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngines, startTestGateway, closeAll } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

test('/engine_metrics: ":" in label values becomes "_" as in SMG; worker_addr is the engine URL', async () => {
  const [a, b] = (await startEngines(2, { model: 'team:llama' })) as [MockEngine, MockEngine];
  const gw = await startTestGateway(['--worker-urls', a.url, b.url]);
  try {
    const r = await fetch(`${gw.url}/engine_metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    for (const e of [a, b]) {
      assert.ok(
        text.includes(`sglang_num_running_reqs{worker_addr="${e.url}",model_name="team_llama"} 0`),
        text,
      );
    }
    assert.ok(!text.includes('team:llama'));
    assert.equal(text.split('\n').filter((l) => l === '# TYPE sglang_token_usage gauge').length, 1);
  } finally {
    await closeAll(gw, a, b);
  }
});
