/**
 * The response-path rewriters without sockets: SSE event handling (split events, CRLF, foreign
 * events, [DONE], several choices, end without [DONE]), held text bounded, the stage's opt-outs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasoningParser } from '../../../src/parsers/reasoning';
import { toolParser } from '../../../src/parsers/tool';
import { SseRewriter } from '../../../src/parsers/response/sse-rewriter';
import { rewriteChatAnswer } from '../../../src/parsers/response/chat-answer';
import type { ChoiceParsers } from '../../../src/parsers/response/choice-parser';
import {
  OPT_OUT_HEADER,
  OPT_OUT_LABEL,
  createResponseParserStage,
} from '../../../src/parsers/response/stage';
import type { DispatchExchange } from '../../../src/dispatch';
import type { Selection } from '../../../src/core/router';
import type { Worker } from '../../../src/core/worker';
import { silentLogger } from '../../../src/util/logger';

const TOOLS = [{ type: 'function', function: { name: 'get_weather' } }];
let ids = 0;
const parsers = (): ChoiceParsers => ({
  reasoning: reasoningParser('qwen3'),
  tool: { parser: toolParser('qwen')!, tools: TOOLS },
  newId: () => `call_${++ids}`,
});

const event = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices, ...extra })}\n\n`;
const delta = (content: string, index = 0): string =>
  event([{ index, delta: { content }, finish_reason: null }]);

interface Out {
  content: Map<number, string>;
  reasoning: string;
  calls: unknown[];
  finish: unknown[];
  raw: string[];
}

function read(sse: string): Out {
  const out: Out = { content: new Map(), reasoning: '', calls: [], finish: [], raw: [] };
  for (const block of sse.split(/\r?\n\r?\n/)) {
    if (!block.startsWith('data: ') || block === 'data: [DONE]') {
      if (block !== '') out.raw.push(block);
      continue;
    }
    const obj = JSON.parse(block.slice(6)) as {
      choices: { index: number; delta: Record<string, unknown>; finish_reason: unknown }[];
    };
    for (const c of obj.choices) {
      const d = c.delta;
      if (typeof d['content'] === 'string') {
        out.content.set(c.index, (out.content.get(c.index) ?? '') + d['content']);
      }
      if (typeof d['reasoning_content'] === 'string') out.reasoning += d['reasoning_content'];
      if (Array.isArray(d['tool_calls'])) out.calls.push(...(d['tool_calls'] as unknown[]));
      if (c.finish_reason != null) out.finish.push(c.finish_reason);
    }
  }
  return out;
}

function feed(r: SseRewriter, input: string, size: number): string {
  let out = '';
  const bytes = Buffer.from(input);
  for (let i = 0; i < bytes.length; i += size)
    out += r.push(bytes.subarray(i, i + size)).toString();
  return out + r.end().toString();
}

const CALL =
  '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Oslo"}}\n</tool_call>';
const STREAM =
  event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) +
  ['<thi', 'nk>pl', 'an</think>', 'Sure ✅\n', CALL.slice(0, 15), CALL.slice(15)]
    .map((c) => delta(c))
    .join('') +
  event([{ index: 0, delta: {}, finish_reason: 'stop' }]) +
  'data: [DONE]\n\n';

void test('SSE cut at any byte (UTF-8 included) gives the same deltas; finish becomes tool_calls', () => {
  for (const size of [1, 2, 5, 13, 64, 100_000]) {
    const out = read(feed(new SseRewriter(parsers()), STREAM, size));
    assert.equal(out.reasoning, 'plan', `size ${size}`);
    assert.equal(out.content.get(0), 'Sure ✅\n');
    assert.deepEqual(out.finish, ['tool_calls']);
    assert.equal(out.calls.length >= 1, true);
    assert.deepEqual(out.raw, ['data: [DONE]']);
  }
});

void test('CRLF events, comments and non-JSON data pass through untouched', () => {
  const input =
    ': keep-alive\r\n\r\nevent: ping\ndata: hi\n\n' + delta('plain').replace('\n\n', '\r\n\r\n');
  const out = feed(new SseRewriter(parsers()), input, 7);
  assert.ok(out.startsWith(': keep-alive\r\n\r\nevent: ping\ndata: hi\n\n'));
  assert.equal(read(out).content.get(0), 'plain');
});

void test('several choices keep separate state; a stream without [DONE] is flushed at its end', () => {
  const input = delta('<think>a', 0) + delta('b <', 1) + delta('</think>x', 0) + delta('c', 1);
  const out = read(feed(new SseRewriter(parsers()), input, 3));
  assert.equal(out.reasoning, 'a');
  assert.equal(out.content.get(0), 'x');
  assert.equal(out.content.get(1), 'b <c');
});

void test('held text stays bounded while a long answer streams', () => {
  const r = new SseRewriter(parsers());
  let sent = 0;
  let fed = 0;
  for (let i = 0; i < 2000; i++) {
    const piece = `word${i} `;
    fed += piece.length;
    const out = read(r.push(Buffer.from(delta(piece))).toString());
    sent += out.content.get(0)?.length ?? 0;
    assert.ok(fed - sent <= 16, `held ${fed - sent}`);
  }
});

void test('buffered answer: content null when only calls remain; non-chat bodies untouched', () => {
  const body = Buffer.from(
    JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: CALL }, finish_reason: 'stop' }],
    }),
  );
  const out = JSON.parse(rewriteChatAnswer(body, parsers())!.toString()) as {
    choices: { message: { content: unknown; tool_calls: unknown[] }; finish_reason: string }[];
  };
  assert.equal(out.choices[0]?.message.content, null);
  assert.equal(out.choices[0]?.message.tool_calls.length, 1);
  assert.equal(out.choices[0]?.finish_reason, 'tool_calls');
  assert.equal(rewriteChatAnswer(Buffer.from('[1,2]'), parsers()), undefined);
  assert.equal(rewriteChatAnswer(Buffer.from('not json'), parsers()), undefined);
});

void test('buffered answer equals the complete parse, even where the marker check says no', () => {
  // json's marker check wants the text to start with { or [; its complete parse (SMG's, and
  // the stream's) also finds an object after leading text.
  const text = 'Sure. {"name": "get_weather", "arguments": {"city": "Oslo"}} Done.';
  const json: ChoiceParsers = {
    tool: { parser: toolParser('json')!, tools: TOOLS },
    newId: () => 'call_1',
  };
  assert.equal(json.tool?.parser.hasMarkers(text), false);
  const body = Buffer.from(
    JSON.stringify({
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    }),
  );
  const out = JSON.parse(rewriteChatAnswer(body, json)!.toString()) as {
    choices: { message: { content: unknown; tool_calls: unknown[] }; finish_reason: string }[];
  };
  assert.equal(out.choices[0]?.message.content, 'Sure.  Done.');
  assert.deepEqual(out.choices[0]?.message.tool_calls, [
    {
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    },
  ]);
  assert.equal(out.choices[0]?.finish_reason, 'tool_calls');
});

function exchange(
  headers: Record<string, string>,
  json: Record<string, unknown>,
  endpoint = 'chat',
): DispatchExchange {
  return {
    req: {
      method: 'POST',
      path: '/v1/chat/completions',
      query: '',
      headers: new Map(Object.entries(headers)),
      remoteAddress: '127.0.0.1',
      requestId: 'r',
      params: {},
    },
    requested: 'm',
    model: 'm',
    endpoint: endpoint as DispatchExchange['endpoint'],
    stream: true,
    upstreamPath: '/v1/chat/completions',
    json,
    body: '',
    startedMs: 0,
  };
}

function selection(labels: Record<string, string> = {}): Selection {
  return { worker: { labels } as unknown as Worker, release: () => undefined };
}

void test('stage opt-outs: worker label, request header, non-chat endpoint, no tools', () => {
  const stage = createResponseParserStage({ tool: 'qwen', reasoning: 'qwen3' }, silentLogger());
  assert.ok(stage?.onChunk !== undefined && stage.onStreamEnd !== undefined);
  const raw = Buffer.from(delta('<think>r</think>a'));
  const json = { tools: TOOLS };
  const through = (x: DispatchExchange, sel: Selection): string =>
    stage.onChunk!(x, sel, raw).toString() + (stage.onStreamEnd!(x, sel)?.toString() ?? '');
  assert.equal(through(exchange({}, json), selection({ [OPT_OUT_LABEL]: 'off' })), raw.toString());
  assert.equal(through(exchange({ [OPT_OUT_HEADER]: 'OFF' }, json), selection()), raw.toString());
  assert.equal(through(exchange({}, json, 'completions'), selection()), raw.toString());
  const parsed = read(through(exchange({}, { separate_reasoning: false }), selection()));
  assert.equal(parsed.content.get(0), '<think>r</think>a');
  assert.equal(read(through(exchange({}, json), selection())).reasoning, 'r');
  assert.equal(createResponseParserStage({}, silentLogger()), undefined);
});

void test('an engine escaping differently (\\u00e9, \\/) takes the general path with the same result', () => {
  const raw =
    'data: {"id":"c","choices":[{"index":0,"delta":{"content":"<think>caf\\u00e9<\\/think>ol\\u00e9"},"finish_reason":null}]}\n\n';
  const out = read(feed(new SseRewriter(parsers()), raw, 5));
  assert.equal(out.reasoning, 'café');
  assert.equal(out.content.get(0), 'olé');
});

void test('fast path: engine layouts (vLLM, llama.cpp, SGLang nulls) all give the same deltas', () => {
  const layouts = [
    (c: string) =>
      `{"id":"x","model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(c)}},"logprobs":null,"finish_reason":null}]}`,
    (c: string) =>
      `{"choices":[{"finish_reason":null,"index":0,"delta":{"content":${JSON.stringify(c)}}}],"created":1,"id":"x","model":"m","object":"chat.completion.chunk"}`,
    (c: string) =>
      `{"id":"x","choices":[{"index":0,"delta":{"role":null,"content":${JSON.stringify(c)},"reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}`,
  ];
  const text = `<think>a "quoted" \\ thought</think>é ${CALL}`;
  for (const layout of layouts) {
    let input = '';
    for (let i = 0; i < text.length; i += 3) input += `data: ${layout(text.slice(i, i + 3))}\n\n`;
    input += 'data: [DONE]\n\n';
    const out = read(feed(new SseRewriter(parsers()), input, 11));
    assert.equal(out.reasoning, 'a "quoted" \\ thought');
    assert.equal(out.content.get(0), 'é ');
    assert.equal(out.calls.length >= 1, true);
  }
});
