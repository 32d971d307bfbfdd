import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startEngines, startTestGateway, closeAll, type TestGateway } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

describe('official openai SDK through collie', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    engines = await startEngines(3, { tokens: 5 });
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'round_robin',
    ]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => closeAll(gw, engines));

  test('chat completion (non-stream)', async () => {
    const r = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.choices[0]?.message.role, 'assistant');
    assert.ok((r.choices[0]?.message.content ?? '').length > 0);
    assert.ok((r.usage?.prompt_tokens ?? 0) > 0);
  });

  test('chat completion (stream) delivers every chunk then ends', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      max_tokens: 6,
    });
    let text = '';
    let finish: string | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(chunks >= 6, `expected >= 6 chunks, got ${chunks}`);
    assert.ok(text.length > 0);
    assert.equal(finish, 'length');
  });

  test('completions and embeddings', async () => {
    const c = await client.completions.create({
      model: 'mock-model',
      prompt: 'Once upon a time',
      max_tokens: 3,
    });
    assert.equal(c.object, 'text_completion');
    assert.ok((c.choices[0]?.text ?? '').length > 0);
    const e = await client.embeddings.create({ model: 'mock-model', input: ['a', 'b'] });
    assert.equal(e.data.length, 2);
    assert.ok(Array.isArray(e.data[0]?.embedding) && (e.data[0]?.embedding.length ?? 0) > 0);
  });

  test('round_robin spreads requests evenly over the engines (x-worker-id passes through)', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const { response } = await client.chat.completions
        .create({ model: 'mock-model', messages: [{ role: 'user', content: `q${i}` }] })
        .withResponse();
      const id = response.headers.get('x-worker-id') ?? 'none';
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...seen.values()].sort(), [4, 4, 4]);
  });

  test('unknown model is a 404 model_not_found the SDK surfaces', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) =>
        e instanceof OpenAI.NotFoundError && /No worker available for model 'nope'/.test(e.message),
    );
  });
});
