import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, postJson } from '../helpers/gateway';
import {
  errorOf,
  pdSample,
  received,
  settled,
  startPdFleet,
  type PdFleet,
  type PdFleetOptions,
} from '../helpers/pd-fleet';
import type { MockEngine } from '../../src/mock-engine';

const CHAT = '/v1/chat/completions';

/** vLLM engines (sequential PD, chosen from their reported runtime), round-robin prefill. */
function vllmFleet(o: PdFleetOptions = {}): Promise<PdFleet> {
  return startPdFleet({
    ...o,
    port: 'omit',
    prefill: { runtime: 'vllm', ...o.prefill },
    decode: { runtime: 'vllm', ...o.decode },
    flags: ['--prefill-policy', 'round_robin', ...(o.flags ?? [])],
  });
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'mock-model',
  max_tokens: 3,
  messages: [{ role: 'user', content }],
  ...extra,
});

const longPrompt = (tag: string): string => `${tag} ${'word '.repeat(400)}`;

const withRequest = (es: MockEngine[], path = CHAT): MockEngine | undefined =>
  es.find((e) => e.requests.some((r) => r.path === path));

describe('PD vLLM (sequential) failures: no hang, nothing left in flight on either pool', () => {
  let f: PdFleet | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  test('a prefill engine killed mid-request: the pair is re-selected and the request succeeds', async () => {
    // prefill takes ~0.5 s, long enough to kill the engine while it works
    f = await vllmFleet({ prefill: { prefillTokensPerSec: 800 } });
    const { prefill, decode } = f;
    const pending = postJson(`${f.gw.url}${CHAT}`, chat(longPrompt('kill')));
    await eventually(() => withRequest(prefill) !== undefined);
    const victim = withRequest(prefill) as MockEngine;
    await victim.close();
    const res = await pending;
    assert.equal(res.status, 200);
    const survivor = prefill.find((e) => e !== victim) as MockEngine;
    assert.equal(received([survivor], CHAT), 1);
    // the decode leg ran once, with the survivor's hand-off
    assert.equal(received(decode, CHAT), 1);
    const d = decode.flatMap((e) => e.requests).find((r) => r.path === CHAT);
    const kv = (d?.body as { kv_transfer_params: Record<string, unknown> }).kv_transfer_params;
    assert.equal(kv['remote_engine_id'], survivor.workerId);
    assert.equal(await pdSample(f.gw.metricsUrl, 'smg_pd_bootstrap_failures_total', 'vllm'), 1);
    await settled(f, [survivor, ...decode]);
  });

  test('a prefill engine refusing connections: every request is served through the other one', async () => {
    f = await vllmFleet();
    const [dead, alive] = f.prefill as [MockEngine, MockEngine];
    await dead.close();
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${f.gw.url}${CHAT}`, chat(`refused ${i}`));
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    assert.equal(received([alive], CHAT), 4);
    assert.equal(received(f.decode, CHAT), 4);
    // round robin sent some attempts to the dead engine: each a failed prefill leg
    assert.ok((await pdSample(f.gw.metricsUrl, 'smg_pd_bootstrap_failures_total', 'vllm')) >= 1);
    await settled(f, [alive, ...f.decode]);
    // none left: SMG's 502 for a prefill leg that failed in transport
    await alive.close();
    const e = await errorOf(await postJson(`${f.gw.url}${CHAT}`, chat('nobody')));
    assert.deepEqual([e.status, e.code], [502, 'prefill_request_failed']);
    assert.match(e.message, /^Prefill transport error: /);
  });

  test('a decode engine that hangs: the request deadline answers 504', async () => {
    f = await vllmFleet({ decodes: 1, flags: ['--request-timeout-secs', '1'] });
    (f.decode[0] as MockEngine).setFault({ hang: true });
    const res = await postJson(`${f.gw.url}${CHAT}`, chat('hang'));
    assert.equal(res.status, 504);
    // the prefill leg finished before the decode leg was sent
    assert.equal(
      f.prefill.reduce((n, e) => n + e.stats().completed, 0),
      1,
    );
    await settled(f);
  });

  test("a failing prefill answer keeps its status and the engine's message (SMG's vLLM path): 400 at once, no decode leg", async () => {
    f = await vllmFleet();
    for (const e of f.prefill) e.setFault({ status: 400 });
    const e = await errorOf(await postJson(`${f.gw.url}${CHAT}`, chat('bad')));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'prefill_upstream_error');
    assert.equal(e.header, 'prefill_upstream_error');
    assert.equal(e.message, 'Random failure for testing');
    assert.equal(received(f.prefill, CHAT), 1, 'a 400 is not retried');
    assert.equal(received(f.decode, CHAT), 0);
    assert.equal(await pdSample(f.gw.metricsUrl, 'smg_pd_bootstrap_failures_total', 'vllm'), 1);
    await settled(f);
  });

  test('a prefill answering 503 is retried on the other; both failing, 503 prefill_upstream_error', async () => {
    f = await vllmFleet({ flags: ['--retry-max-retries', '3'] });
    const [bad, good] = f.prefill as [MockEngine, MockEngine];
    bad.setFault({ status: 503 });
    for (let i = 0; i < 2; i++) {
      const res = await postJson(`${f.gw.url}${CHAT}`, chat(`retry ${i}`));
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    assert.equal(received([good], CHAT), 2);
    good.setFault({ status: 503 });
    const before = received(f.prefill, CHAT);
    const e = await errorOf(await postJson(`${f.gw.url}${CHAT}`, chat('all fail')));
    assert.equal(e.status, 503);
    assert.deepEqual([e.code, e.message], ['prefill_upstream_error', 'Random failure for testing']);
    assert.equal(received(f.prefill, CHAT) - before, 3, 'three attempts');
    assert.equal(received(f.decode, CHAT), 2);
    await settled(f);
  });

  test('a client that disconnects during the prefill leg: it is aborted, no decode leg is sent', async () => {
    f = await vllmFleet({ prefill: { prefillTokensPerSec: 200 } });
    const ac = new AbortController();
    const pending = fetch(`${f.gw.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat(longPrompt('leave'), { stream: true })),
      signal: ac.signal,
    }).catch((err: unknown) => err);
    await eventually(() => f?.prefill.some((e) => e.stats().running > 0) === true);
    ac.abort();
    assert.ok((await pending) instanceof Error);
    await settled(f);
    assert.equal(
      f.prefill.reduce((n, e) => n + e.stats().aborted, 0),
      1,
    );
    assert.equal(received(f.decode, CHAT), 0);
  });

  test('a client that disconnects mid-stream: the decode leg is aborted at the engine', async () => {
    f = await vllmFleet({ decode: { tokenDelayMs: 20 } });
    const ac = new AbortController();
    const res = await fetch(`${f.gw.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat('stream then leave', { stream: true, max_tokens: 500 })),
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    assert.match(Buffer.from(first.value ?? []).toString(), /^data: /);
    assert.equal(
      f.decode.reduce((n, e) => n + e.stats().running, 0),
      1,
    );
    ac.abort();
    await reader.read().catch(() => undefined);
    await settled(f);
    assert.equal(
      f.decode.reduce((n, e) => n + e.stats().aborted, 0),
      1,
    );
    assert.equal(
      f.decode.reduce((n, e) => n + e.stats().completed, 0),
      0,
    );
  });
});
