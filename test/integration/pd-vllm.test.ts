import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  closeAll,
  eventually,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

type Obj = Record<string, unknown>;

const bodies = (es: MockEngine[], path: string): Obj[] =>
  es.flatMap((e) => e.requests.filter((r) => r.path === path).map((r) => r.body as Obj));

describe('PD (vLLM sequential) through the openai SDK, 2 prefill + 2 decode', () => {
  let prefill: MockEngine[];
  let decode: MockEngine[];
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    const opts = { runtime: 'vllm' as const, tokens: 5, bootstrapTimeoutMs: 3000 };
    prefill = await startEngines(2, { ...opts, role: 'prefill' });
    decode = await startEngines(2, { ...opts, role: 'decode' });
    // --pd-protocol auto: the engines report the vllm runtime at registration
    gw = await startTestGateway([
      '--pd-disaggregation',
      ...prefill.flatMap((e) => ['--prefill', e.url]),
      ...decode.flatMap((e) => ['--decode', e.url]),
      '--prefill-policy',
      'round_robin',
      '--decode-policy',
      'round_robin',
    ]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => closeAll(gw, prefill, decode));

  test('chat (non-stream): prefill with one token, decode with its kv_transfer_params', async () => {
    const r = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Hello vLLM PD' }],
      max_completion_tokens: 4,
    });
    assert.equal(r.usage?.completion_tokens, 4);
    const p = bodies(prefill, '/v1/chat/completions')[0] as Obj;
    // the cap the client used, set to 1 (SMG: an engine refuses both spellings)
    assert.equal(p['max_tokens'], undefined);
    assert.equal(p['max_completion_tokens'], 1);
    assert.equal(p['stream'], false);
    assert.equal((p['kv_transfer_params'] as Obj)['do_remote_decode'], true);
    const d = bodies(decode, '/v1/chat/completions')[0] as Obj;
    const kv = d['kv_transfer_params'] as Obj;
    assert.equal(kv['do_remote_prefill'], true);
    assert.match(String(kv['transfer_id']), /^xfer-/);
    assert.equal(d['max_completion_tokens'], 4);
    assert.equal(d['bootstrap_room'], undefined);
  });

  test('a chat fan-out (n = 2) skips the prefill leg: the decode engine computes the prompt', async () => {
    const before = bodies(prefill, '/v1/chat/completions').length;
    const r = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'two answers' }],
      max_tokens: 2,
      n: 2,
    });
    assert.equal(r.object, 'chat.completion');
    assert.equal(bodies(prefill, '/v1/chat/completions').length, before);
    const d = bodies(decode, '/v1/chat/completions').at(-1) as Obj;
    assert.equal(d['n'], 2);
    assert.equal(d['kv_transfer_params'], undefined);
  });

  test('chat and completions streamed', async () => {
    const s = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Stream vLLM PD' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 3,
    });
    let text = '';
    let usage: number | undefined;
    for await (const c of s) {
      text += c.choices[0]?.delta.content ?? '';
      usage = c.usage?.completion_tokens ?? usage;
    }
    assert.equal(text, 'The quick brown');
    assert.equal(usage, 3);
    const p = bodies(prefill, '/v1/chat/completions').at(-1) as Obj;
    assert.equal(p['stream_options'], undefined);
    const c = await client.completions.create({
      model: 'mock-model',
      prompt: 'x y z',
      max_tokens: 2,
      stream: true,
    });
    let t2 = '';
    for await (const chunk of c) t2 += chunk.choices[0]?.text ?? '';
    assert.equal(t2, 'The quick');
    await eventually(() => [...prefill, ...decode].every((e) => gw.inflight(e.url) === 0), 5000);
  });
});
