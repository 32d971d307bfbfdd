import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine, MockEngineOptions } from '../../src/mock-engine';

type Closable = { close(): Promise<void> };

/** Two prefill and `decodes` decode engines behind a PD gateway. */
async function fleet(
  opts: {
    prefill?: MockEngineOptions;
    decode?: MockEngineOptions;
    decodes?: number;
    port?: 'none';
  },
  extra: string[] = [],
): Promise<{ prefill: MockEngine[]; decode: MockEngine[]; gw: TestGateway }> {
  const prefill = await startEngines(2, {
    role: 'prefill',
    bootstrapTimeoutMs: 3000,
    ...opts.prefill,
  });
  const decode = await startEngines(opts.decodes ?? 2, {
    role: 'decode',
    bootstrapTimeoutMs: 3000,
    ...opts.decode,
  });
  const gw = await startTestGateway([
    '--pd-disaggregation',
    ...prefill.flatMap((e) => ['--prefill', e.url, opts.port ?? String(e.bootstrapPort)]),
    ...decode.flatMap((e) => ['--decode', e.url]),
    '--retry-initial-backoff-ms',
    '1',
    ...extra,
  ]);
  return { prefill, decode, gw };
}

const longPrompt = (tag: string): string => `${tag} ${'word '.repeat(400)}`;

/** No load held by the gateway, no inference request open at any engine. */
async function noLeaks(gw: TestGateway, engines: MockEngine[]): Promise<void> {
  await eventually(
    () => engines.every((e) => gw.inflight(e.url) === 0 && e.stats().open === 0),
    5000,
  );
}

describe('PD failures: no hang, no leaked in-flight count on either pool', () => {
  let open: Closable[] = [];
  afterEach(async () => {
    await closeAll(...open);
    open = [];
  });

  test('a prefill engine killed mid-request: the pair is re-selected and the request succeeds', async () => {
    // prefill takes ~0.5 s, long enough to kill the engine while it works
    const f = await fleet({ prefill: { prefillTokensPerSec: 800 } }, [
      '--prefill-policy',
      'round_robin',
    ]);
    open = [f.gw, ...f.prefill, ...f.decode];
    const pending = postJson(`${f.gw.url}/generate`, {
      text: longPrompt('kill'),
      sampling_params: { max_new_tokens: 2 },
    });
    await eventually(() => f.prefill.some((e) => e.requests.some((r) => r.path === '/generate')));
    const victim = f.prefill.find((e) =>
      e.requests.some((r) => r.path === '/generate'),
    ) as MockEngine;
    await victim.close();
    const res = await pending;
    assert.equal(res.status, 200);
    const survivor = f.prefill.find((e) => e !== victim) as MockEngine;
    assert.ok(survivor.requests.some((r) => r.path === '/generate'));
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
  });

  test('a decode engine that hangs: the request deadline answers 504', async () => {
    const f = await fleet({ decodes: 1 }, ['--request-timeout-secs', '1']);
    open = [f.gw, ...f.prefill, ...f.decode];
    (f.decode[0] as MockEngine).setFault({ hang: true });
    const res = await postJson(`${f.gw.url}/v1/completions`, {
      model: 'mock-model',
      prompt: 'hang',
    });
    assert.equal(res.status, 504);
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
  });

  test('a client that disconnects during the KV transfer aborts both legs', async () => {
    // KV transfer of the long prompt takes ~8 s and the decode engine would wait for it (a
    // decode leg left running would outlast noLeaks' wait); the client leaves meanwhile
    const f = await fleet(
      { prefill: { kvTransferTokensPerSec: 50 }, decode: { bootstrapTimeoutMs: 20_000 } },
      ['--pd-decode-abort-grace-ms', '200'],
    );
    open = [f.gw, ...f.prefill, ...f.decode];
    const ac = new AbortController();
    const pending = fetch(`${f.gw.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: longPrompt('leave'), stream: true }),
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await eventually(() => f.decode.some((e) => e.requests.some((r) => r.path === '/generate')));
    await eventually(() => f.prefill.some((e) => e.stats().completed > 0));
    ac.abort();
    assert.ok((await pending) instanceof Error);
    // the decode engine saw its request go away: nothing runs or waits there any more
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
    assert.equal(
      f.decode.reduce((n, e) => n + e.stats().completed, 0),
      0,
    );
  });

  test('a prefill engine without a bootstrap port: the decode engine refuses, 400 decode_bad_request', async () => {
    const f = await fleet({ port: 'none' });
    open = [f.gw, ...f.prefill, ...f.decode];
    const res = await postJson(`${f.gw.url}/generate`, { text: 'no port' });
    assert.equal(res.status, 400);
    const j = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(j.error.code, 'decode_bad_request');
    assert.match(j.error.message, /bootstrap_port/);
    const sent = f.decode.flatMap((e) => e.requests).find((r) => r.path === '/generate');
    assert.equal((sent?.body as Record<string, unknown>)['bootstrap_port'], null);
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
  });

  test('a failing decode leg is retried on another pair', async () => {
    const f = await fleet({}, ['--decode-policy', 'round_robin']);
    open = [f.gw, ...f.prefill, ...f.decode];
    (f.decode[0] as MockEngine).setFault({ status: 503 });
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${f.gw.url}/generate`, { text: `retry ${i}` });
      assert.equal(res.status, 200);
    }
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
  });

  test('with every decode failing, the re-wrapped decode error is the answer', async () => {
    const f = await fleet({ decodes: 1 }, ['--retry-max-retries', '2']);
    open = [f.gw, ...f.prefill, ...f.decode];
    (f.decode[0] as MockEngine).setFault({ status: 503 });
    const res = await postJson(`${f.gw.url}/generate`, { text: 'all fail' });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('x-smg-error-code'), 'decode_unavailable');
    await noLeaks(f.gw, [...f.prefill, ...f.decode]);
  });
});
