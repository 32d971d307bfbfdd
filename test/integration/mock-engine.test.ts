import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { dig, parseSse, postJson, sseJson } from '../helpers/mock-client';

let engine: MockEngine;

before(async () => {
  engine = await startMockEngine({ tokens: 4, model: 'test-model' });
});
after(() => engine.close());

async function getJson(path: string): Promise<{ status: number; body: unknown; res: Response }> {
  const res = await fetch(engine.url + path);
  return { status: res.status, body: await res.json(), res };
}

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await postJson(engine.url + path, body);
  return { status: res.status, json: await res.json() };
}

async function postStream(path: string, body: unknown) {
  const res = await postJson(engine.url + path, body);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  return parseSse(await res.text());
}

const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Tell me about foxes, please.' },
];

void test('probes answer with SGLang shapes and x-worker-id', async () => {
  const health = await getJson('/health');
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { status: 'healthy' });
  assert.equal(health.res.headers.get('x-worker-id'), `worker-${engine.port}`);
  assert.deepEqual((await getJson('/health_generate')).body, { status: 'ok', queue_length: 0 });
  assert.equal((await fetch(engine.url + '/liveness')).status, 200);
  assert.deepEqual((await getJson('/v1/models')).body, {
    object: 'list',
    data: [
      {
        id: 'test-model',
        object: 'model',
        created: 0,
        owned_by: 'sglang',
        root: 'test-model',
        max_model_len: 32768,
      },
    ],
  });
  for (const p of ['/get_server_info', '/server_info']) {
    const info = (await getJson(p)).body as Record<string, unknown>;
    assert.equal(info.served_model_name, 'test-model');
    assert.equal(info.port, engine.port);
    assert.equal(info.max_total_num_tokens, 65536);
    assert.equal(info.schedule_policy, 'lpm');
    assert.equal(info.version, '0.3.0');
  }
  for (const p of ['/get_model_info', '/model_info']) {
    assert.deepEqual((await getJson(p)).body, {
      model_path: 'test-model',
      tokenizer_path: 'mock-tokenizer-path',
      is_generation: true,
      preferred_sampling_params: null,
    });
  }
});

void test('unknown path is 404, wrong method 405, both with x-worker-id', async () => {
  const nf = await fetch(engine.url + '/nope');
  assert.equal(nf.status, 404);
  assert.equal(nf.headers.get('x-worker-id'), engine.workerId);
  assert.ok((await nf.json()) !== null);
  const wm = await fetch(engine.url + '/generate');
  assert.equal(wm.status, 405);
  assert.equal(wm.headers.get('allow'), 'POST');
  await wm.body?.cancel();
});

void test('bad JSON and bad fields are 400 in the route family envelope', async () => {
  const openai = await post('/v1/chat/completions', '{"messages": [');
  assert.equal(openai.status, 400);
  const err = (openai.json as { error: { type: string; code: number } }).error;
  assert.equal(err.type, 'invalid_request_error');
  assert.equal(err.code, 400);
  const sglang = await post('/generate', 'not json');
  assert.equal(sglang.status, 400);
  assert.equal(typeof (sglang.json as { error: unknown }).error, 'string');
  const anthropic = await post('/v1/messages', '{');
  assert.equal((anthropic.json as { type: string }).type, 'error');
  assert.equal((await post('/v1/chat/completions', [1, 2])).status, 400);
  assert.equal((await post('/v1/chat/completions', { messages: 'hi' })).status, 400);
  assert.equal((await post('/generate', { sampling_params: {} })).status, 400);
  assert.equal((await post('/v1/chat/completions', { messages: [], max_tokens: -1 })).status, 400);
  assert.equal((await fetch(engine.url + '/health')).status, 200, 'still serving');
});

void test('odd bodies on every POST route never get a 5xx or kill the server', async () => {
  const routes = ['/generate', '/v1/chat/completions', '/v1/completions', '/v1/embeddings'];
  routes.push('/v1/rerank', '/v1/classify', '/v1/messages', '/v1/responses');
  const bodies = ['null', '1', '"s"', '[]', '{}', '{"messages":[null]}', '{"text":[1,"a"]}'];
  bodies.push('{"input_ids":[[1],[2]],"stream":true}', '{"query":"q","documents":[1]}');
  bodies.push('{"sampling_params":5,"text":"a"}', '{"stream":"yes","messages":[]}', '\u0000');
  for (const route of routes) {
    for (const body of bodies) {
      const res = await postJson(engine.url + route, body);
      assert.ok(res.status < 500, `${route} ${body} → ${res.status}`);
      assert.ok((await res.json()) !== null);
    }
  }
  assert.equal((await fetch(engine.url + '/health')).status, 200);
});

void test('chat completion: shape, usage with cached_tokens, max_tokens override', async () => {
  const { status, json } = await post('/v1/chat/completions', { model: 'x', messages: MESSAGES });
  assert.equal(status, 200);
  assert.equal(dig(json, 'object'), 'chat.completion');
  assert.equal(dig(json, 'model'), 'x');
  assert.match(String(dig(json, 'id')), /^chatcmpl-/);
  assert.deepEqual(dig(json, 'choices', 0, 'message'), {
    role: 'assistant',
    content: 'The quick brown fox',
  });
  assert.equal(dig(json, 'choices', 0, 'finish_reason'), 'stop');
  const usage = dig(json, 'usage') as { prompt_tokens: number; completion_tokens: number };
  assert.equal(usage.completion_tokens, 4);
  assert.ok(usage.prompt_tokens > 0);
  assert.equal(dig(usage, 'total_tokens'), usage.prompt_tokens + 4);
  assert.equal(typeof dig(usage, 'prompt_tokens_details', 'cached_tokens'), 'number');
  const capped = await post('/v1/chat/completions', { messages: MESSAGES, max_tokens: 2 });
  assert.equal(dig(capped.json, 'usage', 'completion_tokens'), 2);
  assert.equal(dig(capped.json, 'choices', 0, 'finish_reason'), 'length');
  const mct = await post('/v1/chat/completions', { messages: MESSAGES, max_completion_tokens: 6 });
  assert.equal(dig(mct.json, 'usage', 'completion_tokens'), 6);
});

void test('chat stream: role chunk, one chunk per token, finish, usage, [DONE]', async () => {
  const frames = await postStream('/v1/chat/completions', {
    messages: MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(frames.at(-1)?.data, '[DONE]');
  const chunks = sseJson(frames);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.deepEqual(dig(chunks[0], 'choices', 0, 'delta'), { role: 'assistant', content: '' });
  const content = chunks.slice(1, 5).map((c) => dig(c, 'choices', 0, 'delta', 'content'));
  assert.deepEqual(content, ['The', ' quick', ' brown', ' fox']);
  assert.equal(dig(chunks[4], 'choices', 0, 'finish_reason'), null);
  assert.equal(dig(chunks[5], 'choices', 0, 'finish_reason'), 'stop');
  assert.deepEqual(dig(chunks[6], 'choices'), []);
  assert.equal(dig(chunks[6], 'usage', 'completion_tokens'), 4);
  assert.equal(chunks.length, 7);
  const plain = await postStream('/v1/chat/completions', { messages: MESSAGES, stream: true });
  assert.equal(sseJson(plain).length, 6, 'no usage chunk without include_usage');
});

void test('completions: single, batch, and stream', async () => {
  const one = (await post('/v1/completions', { prompt: 'Once upon a time', max_tokens: 3 })).json;
  assert.equal(dig(one, 'object'), 'text_completion');
  assert.equal(dig(one, 'choices', 0, 'text'), 'The quick brown');
  assert.equal(dig(one, 'choices', 0, 'finish_reason'), 'length');
  const batch = (await post('/v1/completions', { prompt: ['a b', 'c d e'] })).json;
  assert.equal(dig(batch, 'choices', 1, 'index'), 1);
  assert.equal(dig(batch, 'choices', 2), undefined);
  assert.equal(dig(batch, 'usage', 'completion_tokens'), 8);
  assert.equal(dig(batch, 'usage', 'prompt_tokens'), 5);
  const frames = await postStream('/v1/completions', { prompt: [1, 2, 3], stream: true });
  const chunks = sseJson(frames) as { choices: { text: string; finish_reason: string | null }[] }[];
  assert.equal(frames.at(-1)?.data, '[DONE]');
  assert.equal(chunks.map((c) => c.choices[0]?.text).join(''), 'The quick brown fox');
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  assert.equal((await post('/v1/completions', { prompt: ['a', 'b'], stream: true })).status, 400);
});

void test('/generate: text and input_ids, max_new_tokens, cumulative stream', async () => {
  const r = (
    await post('/generate', { text: 'hello world', sampling_params: { max_new_tokens: 3 } })
  ).json as { text: string; meta_info: Record<string, unknown> };
  assert.equal(r.text, 'The quick brown');
  assert.deepEqual(r.meta_info.finish_reason, { type: 'length', length: 3 });
  assert.equal(r.meta_info.prompt_tokens, 2);
  assert.equal(r.meta_info.completion_tokens, 3);
  assert.equal(typeof r.meta_info.cached_tokens, 'number');
  const ids = (await post('/generate', { input_ids: [5, 6, 7] })).json as { output_ids: number[] };
  assert.equal(ids.output_ids.length, 4);
  const batch = (await post('/generate', { text: ['a', 'b'] })).json as unknown[];
  assert.equal(batch.length, 2);
  const frames = await postStream('/generate', { text: 'hi', stream: true });
  assert.equal(frames.at(-1)?.data, '[DONE]');
  const chunks = sseJson(frames) as { text: string; meta_info: { finish_reason: unknown } }[];
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['The', 'The quick', 'The quick brown', 'The quick brown fox'],
  );
  assert.equal(chunks[2]?.meta_info.finish_reason, null);
  assert.deepEqual(chunks[3]?.meta_info.finish_reason, { type: 'stop', matched: 2 });
});

void test('embeddings, rerank and classify', async () => {
  const emb = (await post('/v1/embeddings', { input: ['alpha beta', 'gamma'], model: 'e' }))
    .json as { object: string; data: { index: number; embedding: number[] }[]; usage: unknown };
  assert.equal(emb.object, 'list');
  assert.deepEqual(
    emb.data.map((d) => d.index),
    [0, 1],
  );
  const v = emb.data[0]?.embedding ?? [];
  assert.ok(v.length > 0);
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4, 'unit length');
  assert.notDeepEqual(v, emb.data[1]?.embedding);
  const again = (await post('/v1/embeddings', { input: 'alpha beta' })).json as typeof emb;
  assert.deepEqual(again.data[0]?.embedding, v, 'deterministic');
  assert.deepEqual(emb.usage, { prompt_tokens: 3, total_tokens: 3 });

  const docs = ['nothing here', 'fox and dog', 'the quick fox'];
  const rr = await post('/v1/rerank', { query: 'quick fox', documents: docs });
  assert.equal(rr.status, 200);
  const ranked = rr.json as { score: number; document: string; index: number; meta_info: object }[];
  assert.ok(Array.isArray(ranked));
  assert.deepEqual(
    ranked.map((x) => x.index),
    [2, 1, 0],
  );
  assert.equal(ranked[0]?.document, 'the quick fox');
  assert.deepEqual(ranked[0]?.meta_info, {});
  assert.ok((ranked[0]?.score ?? 0) > (ranked[1]?.score ?? 0));

  const cls = (await post('/v1/classify', { input: ['x', 'y'] })).json as {
    object: string;
    data: { index: number; label: string; probs: number[]; num_classes: number }[];
  };
  assert.equal(cls.object, 'list');
  assert.equal(cls.data.length, 2);
  assert.equal(cls.data[1]?.num_classes, 2);
  const probs = cls.data[0]?.probs ?? [];
  assert.ok(Math.abs((probs[0] ?? 0) + (probs[1] ?? 0) - 1) < 1e-3);
});

void test('anthropic messages: object and named-event stream', async () => {
  const body = { model: 'claude', max_tokens: 3, system: 'Be brief.', messages: MESSAGES.slice(1) };
  const msg = (await post('/v1/messages', body)).json;
  assert.equal(dig(msg, 'type'), 'message');
  assert.equal(dig(msg, 'role'), 'assistant');
  assert.deepEqual(dig(msg, 'content'), [{ type: 'text', text: 'The quick brown' }]);
  assert.equal(dig(msg, 'stop_reason'), 'max_tokens');
  assert.equal(dig(msg, 'usage', 'output_tokens'), 3);
  const frames = await postStream('/v1/messages', { ...body, stream: true });
  assert.deepEqual(
    frames.map((f) => f.event),
    [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ],
  );
  for (const f of frames) assert.equal((JSON.parse(f.data) as { type: string }).type, f.event);
});

void test('responses: object and event stream', async () => {
  const body = { model: 'r', input: 'Say something', instructions: 'Be nice' };
  const r = (await post('/v1/responses', body)).json;
  assert.equal(dig(r, 'object'), 'response');
  assert.equal(dig(r, 'status'), 'completed');
  assert.equal(dig(r, 'output', 0, 'content', 0, 'text'), 'The quick brown fox');
  assert.equal(dig(r, 'usage', 'output_tokens'), 4);
  const frames = await postStream('/v1/responses', { ...body, stream: true });
  const events = frames.map((f) => f.event);
  assert.equal(events[0], 'response.created');
  assert.equal(events.at(-1), 'response.completed');
  assert.equal(events.filter((e) => e === 'response.output_text.delta').length, 4);
  const seq = frames.map(
    (f) => (JSON.parse(f.data) as { sequence_number: number }).sequence_number,
  );
  assert.deepEqual(
    seq,
    seq.map((_, i) => i),
  );
});
