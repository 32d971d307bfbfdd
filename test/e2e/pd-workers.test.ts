import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childPids, freePort, freshPost, startCliGateway } from '../helpers/processes';
import { closeAll, eventually, startEngines } from '../helpers/gateway';
import { socketOwner } from '../helpers/socket-owner';
import { sampleValue } from '../unit/metrics/exposition';
import type { MockEngine } from '../../src/mock-engine';

const SYSTEM = 'Shared system prompt for a support bot. '.repeat(30);
const PD = { backend_type: 'pd', model: 'mock-model', runtime: 'sglang' };

const chat = (question: string, maxTokens: number) => ({
  model: 'mock-model',
  max_tokens: maxTokens,
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: question },
  ],
});

/** The prefill engine that got the question, and which ingress process sent it there. */
function prefillOf(
  engines: MockEngine[],
  pids: number[],
  question: string,
): { engine: MockEngine; pid: number } {
  for (const engine of engines) {
    const r = engine.requests.find((x) => JSON.stringify(x.body).includes(question));
    if (!r) continue;
    const pid = socketOwner(pids, r.remotePort, engine.port);
    assert.ok(pid !== undefined, `no ingress process holds the connection of "${question}"`);
    return { engine, pid };
  }
  throw new Error(`no prefill engine received "${question}"`);
}

test('--workers 2 PD: both processes serve, share cache-aware prefill selection, /metrics sums both', async () => {
  // decode tokens take 25 ms: the seed request below runs ~200 ms after it was routed, far
  // longer than a routing-event batch takes to reach the other process
  const prefill = await startEngines(2, { role: 'prefill' });
  const decode = await startEngines(2, { role: 'decode', tokenDelayMs: 25 });
  const metricsPort = await freePort();
  const gateway = await startCliGateway(
    [
      ...['--workers', '2', '--pd-disaggregation'],
      ...prefill.flatMap((e) => ['--prefill', e.url, String(e.bootstrapPort)]),
      ...decode.flatMap((e) => ['--decode', e.url]),
      ...['--prefill-policy', 'cache_aware', '--decode-policy', 'power_of_two'],
    ],
    { metricsPort },
  );
  const gw = gateway.url;
  const metrics = async (name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return sampleValue(text, name, PD) ?? 0;
  };
  try {
    const pids = childPids(gateway.proc.child.pid as number);
    assert.equal(pids.length, 2, 'two ingress processes');
    const seed = await freshPost(`${gw}/v1/chat/completions`, chat('seed question', 8));
    assert.equal(seed.status, 200);
    const holder = prefillOf(prefill, pids, 'seed question').engine;
    // fresh connections spread over both processes; go on until each served three
    const served = new Map<number, number>([[prefillOf(prefill, pids, 'seed question').pid, 1]]);
    let ok = 1;
    for (let i = 0; i < 40 && !pids.every((p) => (served.get(p) ?? 0) >= 3); i++) {
      const q = `question ${i}`;
      const r = await freshPost(`${gw}/v1/chat/completions`, chat(q, 1));
      assert.equal(r.status, 200, r.text);
      ok++;
      const at = prefillOf(prefill, pids, q);
      served.set(at.pid, (served.get(at.pid) ?? 0) + 1);
      assert.equal(at.engine, holder, `${q} (process ${at.pid}) left the prefix's prefill engine`);
      assert.equal(r.header('x-collie-route-reason'), 'hit');
    }
    assert.ok(
      pids.every((p) => (served.get(p) ?? 0) >= 3),
      `requests per ingress process: ${JSON.stringify([...served])}`,
    );
    // PD metrics: one scrape sums both processes
    await eventually(async () => (await metrics('smg_pd_ttft_seconds_count')) === ok, 5000);
    assert.equal(await metrics('smg_pd_prefill_duration_seconds_count'), ok);
    // failures from both processes land in one counter too
    for (const e of prefill) e.setFault({ status: 400 });
    const failedBy = new Set<number>();
    let failed = 0;
    for (let i = 0; i < 40 && failedBy.size < 2; i++) {
      const q = `failing ${i}`;
      const r = await freshPost(`${gw}/v1/chat/completions`, chat(q, 1));
      assert.equal(r.status, 400);
      failed++;
      failedBy.add(prefillOf(prefill, pids, q).pid);
    }
    assert.equal(failedBy.size, 2, 'both processes sent a failing prefill');
    assert.equal(await metrics('smg_pd_bootstrap_failures_total'), failed);
  } finally {
    await gateway.proc.stop();
    await closeAll(prefill, decode);
  }
});
