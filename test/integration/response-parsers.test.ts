/**
 * Response-path parsing (--tool-call-parser / --reasoning-parser) through the official openai
 * SDK, over a test-local engine that answers with raw model text, buffered and streamed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startRawTextEngine, type RawTextEngine } from '../helpers/raw-text-engine';

const TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  },
];
const CALL = (loc: string): string =>
  `<tool_call>\n{"name": "get_weather", "arguments": {"location": "${loc}"}}\n</tool_call>`;
const R1_TEXT = `I should call the tool.</think>Let me check.\n${CALL('Paris')}`;

type WithReasoning = { reasoning_content?: string };

function reasoningOf(m: unknown): string | undefined {
  return (m as WithReasoning).reasoning_content;
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<{
  content: string;
  reasoning: string;
  calls: ChatCompletionChunk.Choice.Delta.ToolCall[];
  finish: string[];
}> {
  let content = '';
  let reasoning = '';
  const calls: ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  const finish: string[] = [];
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      content += c.delta.content ?? '';
      reasoning += reasoningOf(c.delta) ?? '';
      calls.push(...(c.delta.tool_calls ?? []));
      if (c.finish_reason) finish.push(c.finish_reason);
    }
  }
  return { content, reasoning, calls, finish };
}

void describe('response parsers: named parsers (qwen tools, deepseek_r1 reasoning)', () => {
  let engine: RawTextEngine;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    engine = await startRawTextEngine('fake-model');
    gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--tool-call-parser',
      'qwen',
      '--reasoning-parser',
      'deepseek_r1',
    ]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await engine.close();
  });

  const ask = (text: string, tools = true): ChatCompletionCreateParamsNonStreaming => ({
    model: 'fake-model',
    messages: [{ role: 'user', content: text }],
    ...(tools ? { tools: TOOLS } : {}),
  });

  void test('buffered: reasoning_content, content, tool_calls with call_ ids, finish "tool_calls"', async () => {
    const r: ChatCompletion = await client.chat.completions.create(ask(R1_TEXT));
    const choice = r.choices[0];
    assert.ok(choice);
    assert.equal(reasoningOf(choice.message), 'I should call the tool.');
    assert.equal(choice.message.content, 'Let me check.\n');
    assert.equal(choice.finish_reason, 'tool_calls');
    const calls = choice.message.tool_calls ?? [];
    assert.equal(calls.length, 1);
    const call = calls[0];
    assert.ok(call && call.type === 'function');
    assert.match(call.id, /^call_[A-Za-z0-9]{24}$/);
    assert.deepEqual(call.function, { name: 'get_weather', arguments: '{"location":"Paris"}' });
  });

  void test('streamed, any chunking: the same through chat.completions.stream()', async () => {
    for (const size of ['1', '3', '7', '50']) {
      const runner = client.chat.completions.stream(
        { ...ask(R1_TEXT), stream: true },
        { headers: { 'x-fake-chunk': size } },
      );
      const final = await runner.finalChatCompletion();
      const choice = final.choices[0];
      assert.ok(choice, size);
      assert.equal(choice.message.content, 'Let me check.\n', `chunks of ${size}`);
      assert.equal(choice.finish_reason, 'tool_calls', size);
      const call = choice.message.tool_calls?.[0];
      assert.ok(call && call.type === 'function');
      assert.match(call.id, /^call_/);
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris' });
    }
  });

  void test('streamed deltas: reasoning first, then content, then one call; nothing raw leaks', async () => {
    const stream = await client.chat.completions.create(
      { ...ask(`${R1_TEXT}`), stream: true },
      { headers: { 'x-fake-chunk': '2' } },
    );
    const got = await collect(stream);
    assert.equal(got.reasoning, 'I should call the tool.');
    assert.equal(got.content, 'Let me check.\n');
    assert.ok(!got.content.includes('<tool_call>'));
    assert.deepEqual(got.finish, ['tool_calls']);
    assert.equal(got.calls[0]?.function?.name, 'get_weather');
    assert.equal(
      got.calls.map((c) => c.function?.arguments ?? '').join(''),
      '{"location":"Paris"}',
    );
  });

  void test('no tools in the request: tool markup stays text, reasoning still split', async () => {
    const r = await client.chat.completions.create(ask(R1_TEXT, false));
    assert.equal(r.choices[0]?.message.content, `Let me check.\n${CALL('Paris')}`);
    assert.equal(r.choices[0]?.finish_reason, 'stop');
  });

  void test('opt-outs: header x-collie-parsers: off, and separate_reasoning: false', async () => {
    const raw = await client.chat.completions.create(ask(R1_TEXT), {
      headers: { 'x-collie-parsers': 'off' },
    });
    assert.equal(raw.choices[0]?.message.content, R1_TEXT);
    assert.equal(reasoningOf(raw.choices[0]?.message), undefined);
    const params = { ...ask(R1_TEXT, false), separate_reasoning: false };
    const noReasoning = await client.chat.completions.create(params);
    assert.equal(noReasoning.choices[0]?.message.content, R1_TEXT);
  });
});

void describe('response parsers: auto selection by model', () => {
  let engine: RawTextEngine;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    engine = await startRawTextEngine('Qwen/Qwen3-8B');
    gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--tool-call-parser',
      'auto',
      '--reasoning-parser',
      'auto',
    ]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await engine.close();
  });

  void test('Qwen3 → qwen3 reasoning and qwen tools, buffered and streamed', async () => {
    const text = `<think>plan</think>\n\nChecking.\n${CALL('Rome')}`;
    const params = {
      model: 'Qwen/Qwen3-8B',
      messages: [{ role: 'user' as const, content: text }],
      tools: TOOLS,
    };
    const r = await client.chat.completions.create(params);
    assert.equal(reasoningOf(r.choices[0]?.message), 'plan');
    assert.equal(r.choices[0]?.message.content, 'Checking.\n');
    assert.equal(r.choices[0]?.message.tool_calls?.length, 1);
    const s = await collect(await client.chat.completions.create({ ...params, stream: true }));
    assert.equal(s.reasoning, 'plan');
    assert.equal(s.content, 'Checking.\n');
    assert.deepEqual(s.finish, ['tool_calls']);
  });

  void test('plain text without markers passes unchanged, streamed text keeps its pieces', async () => {
    const params = {
      model: 'Qwen/Qwen3-8B',
      messages: [{ role: 'user' as const, content: 'Just 4. No tools, no thinking.' }],
    };
    const r = await client.chat.completions.create(params);
    assert.equal(r.choices[0]?.message.content, 'Just 4. No tools, no thinking.');
    assert.equal(reasoningOf(r.choices[0]?.message), undefined);
    const s = await collect(await client.chat.completions.create({ ...params, stream: true }));
    assert.equal(s.content, 'Just 4. No tools, no thinking.');
    assert.deepEqual(s.finish, ['stop']);
  });
});

void describe('response parsers: auto over several engines and formats', () => {
  const MODELS = {
    mistral: 'mistralai/Mistral-7B-Instruct-v0.3',
    llama: 'meta-llama/Llama-3.2-3B-Instruct',
    r1: 'deepseek-ai/DeepSeek-R1',
  } as const;
  let engines: RawTextEngine[];
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    engines = await Promise.all(Object.values(MODELS).map((m) => startRawTextEngine(m)));
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--tool-call-parser',
      'auto',
      '--reasoning-parser',
      'auto',
    ]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await Promise.all(engines.map((e) => e.close()));
  });

  const cases: [string, string, { content: string | null; reasoning?: string }][] = [
    [
      MODELS.mistral,
      'Sure [TOOL_CALLS] [{"name": "get_weather", "arguments": {"location": "Oslo"}}]',
      { content: 'Sure ' },
    ],
    [
      MODELS.llama,
      '<|python_tag|>{"name": "get_weather", "parameters": {"location": "Oslo"}}',
      { content: null },
    ],
    [
      MODELS.r1,
      'weather needed</think>[get_weather(location="Oslo")]',
      { content: null, reasoning: 'weather needed' },
    ],
  ];

  for (const [model, text, expect] of cases) {
    void test(`${model}: buffered and streamed give the same call`, async () => {
      const params = { model, messages: [{ role: 'user' as const, content: text }], tools: TOOLS };
      const r = await client.chat.completions.create(params);
      const m = r.choices[0]?.message;
      assert.equal(m?.content, expect.content);
      assert.equal(reasoningOf(m), expect.reasoning);
      const call = m?.tool_calls?.[0];
      assert.ok(call && call.type === 'function');
      assert.deepEqual(call.function, { name: 'get_weather', arguments: '{"location":"Oslo"}' });
      const final = await client.chat.completions
        .stream({ ...params, stream: true }, { headers: { 'x-fake-chunk': '2' } })
        .finalChatCompletion();
      const fm = final.choices[0]?.message;
      assert.equal(fm?.content ?? null, expect.content === null ? null : expect.content);
      assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
      const fcall = fm?.tool_calls?.[0];
      assert.ok(fcall && fcall.type === 'function');
      assert.deepEqual(fcall.function, { name: 'get_weather', arguments: '{"location":"Oslo"}' });
    });
  }
});
