import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAll, postJson, startEngines, startTestGateway } from '../helpers/gateway';
import {
  errorOf,
  pdSample,
  received,
  settled,
  startPdFleet,
  type PdFleet,
} from '../helpers/pd-fleet';
import { parseMockEngineArgs } from '../../src/mock-engine/cli';
import type { MockEngine } from '../../src/mock-engine';

const BOOT = 'smg_pd_bootstrap_failures_total';
const KV = 'smg_pd_kv_transfer_failures_total';

/** A decode engine as `collie mock-engine --role decode --bootstrap-timeout-ms 300` starts it. */
const SHORT_WAIT = parseMockEngineArgs([
  '--role',
  'decode',
  '--bootstrap-timeout-ms',
  '300',
]).options;

const TIMED_OUT = /KV transfer for bootstrap_room \d+ timed out after 300 ms/;

describe('PD failure counters and the decode engine’s KV timeout, through the gateway', () => {
  let f: PdFleet | undefined;
  let extra: MockEngine[] = [];
  afterEach(async () => {
    await f?.close();
    await closeAll(extra);
    f = undefined;
    extra = [];
  });

  test('failed prefill legs count as bootstrap failures, one per attempt', async () => {
    f = await startPdFleet({ prefills: 1, decodes: 1, flags: ['--retry-max-retries', '2'] });
    const url = `${f.gw.url}/generate`;
    const p = f.prefill[0] as MockEngine;
    p.setFault({ status: 400 });
    const bad = await errorOf(await postJson(url, { text: 'refused' }));
    assert.deepEqual([bad.status, bad.code], [400, 'prefill_bad_request']);
    assert.equal(await pdSample(f.gw.metricsUrl, BOOT, 'sglang', 'unknown'), 1);
    p.setFault({ status: 503 });
    const busy = await errorOf(await postJson(url, { text: 'busy' }));
    assert.deepEqual([busy.status, busy.code], [503, 'prefill_unavailable']);
    assert.equal(await pdSample(f.gw.metricsUrl, BOOT, 'sglang', 'unknown'), 3, '1 + 2 attempts');
    assert.equal(await pdSample(f.gw.metricsUrl, KV, 'sglang', 'unknown'), 0);
    // the decode legs waiting on those rooms were cancelled with their prefill legs
    await settled(f);
  });

  test('a prefill that never arrives: the decode engine gives up after --bootstrap-timeout-ms, 500 decode_internal_error', async () => {
    f = await startPdFleet({
      prefills: 1,
      decodes: 1,
      decode: SHORT_WAIT,
      flags: ['--retry-max-retries', '2'],
    });
    (f.prefill[0] as MockEngine).setFault({ hang: true });
    for (const stream of [false, true]) {
      const started = Date.now();
      const res = await postJson(`${f.gw.url}/generate`, { text: 'lost', stream });
      const e = await errorOf(res);
      assert.equal(e.status, 500);
      assert.equal(e.code, 'decode_internal_error');
      assert.equal(e.header, 'decode_internal_error');
      assert.match(e.message, TIMED_OUT);
      // two attempts, each waiting out the decode engine's timeout
      assert.ok(Date.now() - started >= 600, `answered after ${Date.now() - started} ms`);
      // the hung prefill legs were cancelled when their decode legs failed
      await settled(f);
    }
    assert.equal(
      await pdSample(f.gw.metricsUrl, KV, 'sglang', 'unknown'),
      4,
      '2 requests × 2 attempts',
    );
    assert.equal(await pdSample(f.gw.metricsUrl, BOOT, 'sglang', 'unknown'), 0);
  });

  test('a good prefill whose KV goes elsewhere: the decode leg times out and counts as a KV transfer failure', async () => {
    // the gateway names another prefill engine's bootstrap port: the prefill answers, but the
    // decode engine waits for the room at an engine that never saw the request
    const [p, elsewhere] = await startEngines(2, { role: 'prefill' });
    const [d] = await startEngines(1, SHORT_WAIT);
    extra = [p, elsewhere, d] as MockEngine[];
    const gw = await startTestGateway([
      ...['--pd-disaggregation', '--disable-retries'],
      ...['--prefill', p?.url ?? '', String(elsewhere?.bootstrapPort)],
      ...['--decode', d?.url ?? ''],
    ]);
    f = {
      prefill: [p as MockEngine],
      decode: [d as MockEngine],
      gw,
      engines: extra,
      close: () => gw.close(),
    };
    const e = await errorOf(
      await postJson(`${gw.url}/v1/completions`, { model: 'mock-model', prompt: 'x' }),
    );
    assert.deepEqual([e.status, e.code], [500, 'decode_internal_error']);
    assert.match(e.message, TIMED_OUT);
    assert.equal(p?.stats().completed, 1, 'the prefill leg succeeded');
    assert.equal(received([elsewhere as MockEngine], '/v1/completions'), 0);
    assert.equal(await pdSample(gw.metricsUrl, KV, 'sglang'), 1);
    assert.equal(await pdSample(gw.metricsUrl, BOOT, 'sglang'), 0);
    await settled(f);
  });

  test('vLLM: a prefill answering without kv_transfer_params is counted; the decode engine computes the prompt itself', async () => {
    // a vLLM engine without a KV connector: it answers the prefill leg but hands nothing over
    const [plain] = await startEngines(1, { runtime: 'vllm', tokens: 4 });
    const [d] = await startEngines(1, { runtime: 'vllm', role: 'decode', tokens: 4 });
    extra = [plain, d] as MockEngine[];
    const gw = await startTestGateway([
      ...['--pd-disaggregation', '--prefill', plain?.url ?? '', '--decode', d?.url ?? ''],
    ]);
    f = {
      prefill: [plain as MockEngine],
      decode: [d as MockEngine],
      gw,
      engines: extra,
      close: () => gw.close(),
    };
    const res = await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'mock-model',
      messages: [{ role: 'user', content: 'no connector' }],
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { usage: { completion_tokens: number } };
    assert.equal(body.usage.completion_tokens, 4);
    const sent = d?.requests.find((r) => r.path === '/v1/chat/completions')?.body as Record<
      string,
      unknown
    >;
    assert.equal(sent['kv_transfer_params'], undefined);
    assert.equal(await pdSample(gw.metricsUrl, KV, 'vllm'), 1);
    assert.equal(await pdSample(gw.metricsUrl, 'smg_pd_ttft_seconds_count', 'vllm'), 1);
    assert.equal(await pdSample(gw.metricsUrl, BOOT, 'vllm'), 0);
    await settled(f);
  });

  test('vLLM: a decode leg failing after its prefill counts as a KV transfer failure', async () => {
    f = await startPdFleet({
      prefills: 1,
      decodes: 1,
      port: 'omit',
      prefill: { runtime: 'vllm' },
      decode: { runtime: 'vllm' },
      flags: ['--disable-retries'],
    });
    (f.decode[0] as MockEngine).setFault({ status: 500 });
    const e = await errorOf(
      await postJson(`${f.gw.url}/v1/completions`, { model: 'mock-model', prompt: 'x' }),
    );
    assert.deepEqual([e.status, e.code], [500, 'decode_internal_error']);
    assert.equal(await pdSample(f.gw.metricsUrl, KV, 'vllm'), 1);
    assert.equal(await pdSample(f.gw.metricsUrl, BOOT, 'vllm'), 0);
    await settled(f);
  });
});
