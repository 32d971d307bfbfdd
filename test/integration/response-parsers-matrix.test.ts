/**
 * Every tool-call parser and every reasoning parser end to end on the response path: for each
 * name, an in-process gateway started with `--tool-call-parser <name>` (or `--reasoning-parser
 * <name>`) in front of an engine that answers with raw model text, asked through the `openai`
 * SDK buffered and streamed (several chunk sizes, deltas accumulated). The model text and the
 * expected split come from the contract vectors (test/contract/*-vectors/): per tool parser its
 * first "one call" and first "text around calls" vectors, per reasoning parser its first two
 * vectors with both reasoning and answer text. Where a tool vector says SMG's own streaming disagrees
 * (`streamAgrees: false`), the stream is held to collie's complete parse of the same text, as the
 * per-parser unit files do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { reasoningParser, reasoningParserNames } from '../../src/parsers/reasoning';
import { toolParser, toolParserNames, type ToolSpec } from '../../src/parsers/tool';
import { REASONING_VECTORS } from '../contract/reasoning-vectors';
import type { ReasoningVector } from '../contract/reasoning-vectors/types';
import { DEFAULT_TOOLS } from '../contract/tool-vectors/defaults';
import { TOOL_VECTORS } from '../contract/tool-vectors/index';
import type { ToolVector } from '../contract/tool-vectors/types';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startRawTextEngine, type RawTextEngine } from '../helpers/raw-text-engine';

const MODEL = 'fake-model';
/** Content-delta sizes the engine streams the text in (1 = every character its own event). */
const CHUNK_SIZES = ['1', '5'];

interface Call {
  name: string;
  arguments: string;
}
/** What a client ends up with: text, thinking, calls and the finish reason. */
interface Outcome {
  content: string | null;
  reasoning: string | undefined;
  calls: Call[];
  finish: string | null;
}

function openAiTools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: t.function.name,
      ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      parameters: (t.function.parameters ?? {}) as Record<string, unknown>,
    },
  }));
}

function reasoningOf(m: unknown): string | undefined {
  return (m as { reasoning_content?: string }).reasoning_content;
}

/** The buffered answer as an outcome; every call id must look like OpenAI's. */
async function askBuffered(
  client: OpenAI,
  params: ChatCompletionCreateParamsNonStreaming,
): Promise<Outcome> {
  const r = await client.chat.completions.create(params);
  assert.equal(r.choices.length, 1);
  const choice = r.choices[0];
  assert.ok(choice);
  const calls: Call[] = [];
  for (const c of choice.message.tool_calls ?? []) {
    assert.ok(c.type === 'function');
    assert.match(c.id, /^call_[A-Za-z0-9]{24}$/);
    calls.push({ name: c.function.name, arguments: c.function.arguments });
  }
  return {
    content: choice.message.content,
    reasoning: reasoningOf(choice.message),
    calls,
    finish: choice.finish_reason,
  };
}

/** Accumulates streamed deltas per tool-call index, as a client would; checks the delta shape. */
async function askStreamed(
  client: OpenAI,
  params: ChatCompletionCreateParamsNonStreaming,
  chunk: string,
): Promise<Outcome> {
  const stream = await client.chat.completions.create(
    { ...params, stream: true },
    { headers: { 'x-fake-chunk': chunk } },
  );
  let content = '';
  let reasoning: string | undefined;
  let finish: string | null = null;
  const calls = new Map<number, Call & { id: string }>();
  const addCall = (d: ChatCompletionChunk.Choice.Delta.ToolCall): void => {
    const known = calls.get(d.index);
    if (known === undefined) {
      assert.match(d.id ?? '', /^call_[A-Za-z0-9]{24}$/, 'the first delta of a call has its id');
      assert.equal(d.type, 'function');
      assert.ok(d.function?.name, 'the first delta of a call has its name');
      calls.set(d.index, { id: d.id ?? '', name: d.function.name, arguments: '' });
    } else {
      assert.ok(d.id === undefined || d.id === known.id, 'a call keeps its id');
    }
    const c = calls.get(d.index);
    if (c) c.arguments += d.function?.arguments ?? '';
  };
  for await (const ev of stream) {
    for (const c of ev.choices) {
      content += c.delta.content ?? '';
      const r = reasoningOf(c.delta);
      if (r !== undefined) reasoning = (reasoning ?? '') + r;
      for (const d of c.delta.tool_calls ?? []) addCall(d);
      if (c.finish_reason) {
        assert.equal(finish, null, 'one finish_reason');
        finish = c.finish_reason;
      }
    }
  }
  const ordered = [...calls.entries()].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    ordered.map(([i]) => i),
    ordered.map((_, i) => i),
    'call indexes count up from 0',
  );
  return {
    content,
    reasoning,
    calls: ordered.map(([, c]) => ({ name: c.name, arguments: c.arguments })),
    finish,
  };
}

const closing: Promise<void>[] = [];

/** Starts a gateway with `flags` over the shared engine for the enclosing describe. */
function gatewayFor(engine: () => RawTextEngine, flags: string[]): () => OpenAI {
  let gw: TestGateway | undefined;
  let client: OpenAI | undefined;
  before(async () => {
    gw = await startTestGateway(['--worker-urls', engine().url, ...flags]);
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  // Closing takes ~100 ms (a drain grace); the closes overlap and the file's end awaits them.
  after(() => {
    if (gw) closing.push(gw.close());
  });
  return () => {
    assert.ok(client, 'gateway started');
    return client;
  };
}

/** The tool vectors run end to end for one parser: its first one-call and text-around vectors. */
function toolPicks(name: string): ToolVector[] {
  const set = TOOL_VECTORS.find((s) => s.parser === name);
  assert.ok(set, `vectors for ${name}`);
  const usable = (v: ToolVector): boolean =>
    v.expect !== 'error' && (v.expect.calls.length > 0 || name === 'passthrough');
  const picks = (['one_call', 'text_around'] as const)
    .map((kind) => set.vectors.find((v) => v.kind === kind && usable(v)))
    .filter((v): v is ToolVector => v !== undefined);
  assert.ok(picks.length > 0, `${name} has a one-call or text-around vector with a call`);
  return picks;
}

/**
 * The reasoning vectors run end to end: the first two whose stream agrees and that carry both
 * reasoning and answer text (for think-tag parsers: a plain block, then one with trimming), or
 * any non-empty one for parsers that never split (passthrough).
 */
function reasoningPicks(name: string): ReasoningVector[] {
  const set = REASONING_VECTORS.find((s) => s.parser === name);
  assert.ok(set, `vectors for ${name}`);
  const agrees = set.vectors.filter((v) => v.expect !== 'error' && v.streamAgrees !== false);
  const both = agrees.filter(
    (v) => v.expect !== 'error' && v.expect.reasoningText !== '' && v.expect.normalText !== '',
  );
  const picks =
    both.length > 0 ? both.slice(0, 2) : agrees.filter((v) => v.text !== '').slice(0, 1);
  assert.ok(picks.length > 0, `${name} has a usable vector`);
  return picks;
}

let engine: RawTextEngine | undefined;
const theEngine = (): RawTextEngine => {
  assert.ok(engine, 'engine started');
  return engine;
};
before(async () => {
  engine = await startRawTextEngine(MODEL);
});
after(async () => {
  await Promise.all(closing);
  await engine?.close();
});

void test('the matrix covers all 21 tool parsers and 16 reasoning parsers', () => {
  assert.equal(toolParserNames().length, 21);
  assert.equal(reasoningParserNames().length, 16);
});

for (const name of toolParserNames()) {
  void describe(`--tool-call-parser ${name}`, () => {
    const client = gatewayFor(theEngine, ['--tool-call-parser', name]);
    const parser = toolParser(name);
    assert.ok(parser);
    for (const v of toolPicks(name)) {
      if (v.expect === 'error') continue;
      const tools = v.tools ?? DEFAULT_TOOLS;
      const params: ChatCompletionCreateParamsNonStreaming = {
        model: MODEL,
        messages: [{ role: 'user', content: v.text }],
        tools: openAiTools(tools),
      };
      const calls = v.expect.calls.map((c) => ({ name: c.name, arguments: c.arguments }));
      const want: Outcome = {
        content: calls.length > 0 && v.expect.normalText === '' ? null : v.expect.normalText,
        reasoning: undefined,
        calls,
        finish: calls.length > 0 ? 'tool_calls' : 'stop',
      };
      void test(`${v.kind}: ${v.title} — buffered`, async () => {
        assert.deepEqual(await askBuffered(client(), params), want);
      });
      // The stream's reference: SMG's parse, or collie's complete parse where SMG's stream differs.
      const ref = v.streamAgrees === false ? parser.parse(v.text, tools) : v.expect;
      const streamWant: Outcome = {
        ...want,
        content: ref.normalText,
        calls: ref.calls.map((c) => ({ name: c.name, arguments: c.arguments })),
      };
      void test(`${v.kind}: ${v.title} — streamed`, async () => {
        for (const size of CHUNK_SIZES) {
          assert.deepEqual(
            await askStreamed(client(), params, size),
            streamWant,
            `chunks of ${size}`,
          );
        }
      });
    }
  });
}

for (const name of reasoningParserNames()) {
  void describe(`--reasoning-parser ${name}`, () => {
    const client = gatewayFor(theEngine, ['--reasoning-parser', name]);
    assert.ok(reasoningParser(name));
    for (const v of reasoningPicks(name)) {
      if (v.expect === 'error') continue;
      const params: ChatCompletionCreateParamsNonStreaming = {
        model: MODEL,
        messages: [{ role: 'user', content: v.text }],
      };
      const { normalText, reasoningText } = v.expect;
      const reasoning = reasoningText === '' ? undefined : reasoningText;
      const want: Outcome = { content: normalText, reasoning, calls: [], finish: 'stop' };
      void test(`${v.title} — buffered`, async () => {
        assert.deepEqual(await askBuffered(client(), params), want);
      });
      void test(`${v.title} — streamed`, async () => {
        for (const size of CHUNK_SIZES) {
          assert.deepEqual(await askStreamed(client(), params, size), want, `chunks of ${size}`);
        }
      });
    }
  });
}
