import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';

// The official SDK is the strictest client we have: its parsers reject malformed frames.
let engine: MockEngine;
let client: OpenAI;

before(async () => {
  engine = await startMockEngine({ tokens: 5, runtime: 'vllm' });
  client = new OpenAI({ baseURL: `${engine.url}/v1`, apiKey: 'test', maxRetries: 0 });
});
after(() => engine.close());

const messages = [{ role: 'user' as const, content: 'Write a haiku about routers.' }];

void test('openai SDK: chat completion and models', async () => {
  const r = await client.chat.completions.create({ model: 'mock-model', messages });
  assert.equal(r.choices[0]?.message.content, 'The quick brown fox jumps');
  assert.equal(r.usage?.completion_tokens, 5);
  const models = await client.models.list();
  assert.equal(models.data[0]?.id, 'mock-model');
  assert.equal(models.data[0]?.owned_by, 'vllm');
});

void test('openai SDK: chat stream with usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'mock-model',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null | undefined;
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, 'The quick brown fox jumps');
  assert.equal(finish, 'stop');
  assert.equal(usage?.completion_tokens, 5);
});

void test('openai SDK: completions, embeddings (base64 default) and responses', async () => {
  const c = await client.completions.create({ model: 'mock-model', prompt: 'hi', max_tokens: 2 });
  assert.equal(c.choices[0]?.text, 'The quick');
  const e = await client.embeddings.create({ model: 'mock-model', input: ['a', 'b'] });
  assert.equal(e.data.length, 2);
  const v = e.data[0]?.embedding ?? [];
  assert.equal(v.length, 16);
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4);
  const r = await client.responses.create({ model: 'mock-model', input: 'hello' });
  assert.equal(r.output_text, 'The quick brown fox jumps');
  const stream = await client.responses.create({ model: 'mock-model', input: 'hi', stream: true });
  let deltas = '';
  let completed = false;
  for await (const ev of stream) {
    if (ev.type === 'response.output_text.delta') deltas += ev.delta;
    if (ev.type === 'response.completed') completed = true;
  }
  assert.equal(deltas, 'The quick brown fox jumps');
  assert.ok(completed);
});
