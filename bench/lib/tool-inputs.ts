/**
 * The ~64 KB texts `bench:parsers` times each tool parser on: one long answer with hundreds of
 * calls, checked to parse to exactly that many calls (so no row times a rejection path).
 *
 * Formats whose calls stand one after another (qwen, deepseek, glm, …) repeat their contract
 * vectors' one- and several-call texts. Formats that wrap all calls in one list or section
 * (json, mistral, pythonic, llama, sarashina, kimi_k3) would stop at the second wrapper, so
 * they get one wrapper around many items, shaped like their vectors.
 */
import type { ToolParser, ToolSpec } from '../../src/parsers/tool';
import { TOOL_VECTORS } from '../../test/contract/tool-vectors';

export interface ToolInput {
  readonly text: string;
  readonly tools: readonly ToolSpec[];
  readonly calls: number;
}

const TARGET_BYTES = 64_000;

export const BENCH_TOOLS: readonly ToolSpec[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'search', parameters: { type: 'object' } } },
];

interface ListFormat {
  readonly open: string;
  readonly item: (i: number) => string;
  readonly sep: string;
  readonly close: string;
}

const JSON_ITEM = (i: number): string =>
  `{"name": "get_weather", "arguments": {"location": "City ${i}", "days": ${i % 7}}}`;

const LISTS: Readonly<Record<string, ListFormat>> = {
  json: { open: '[', item: JSON_ITEM, sep: ', ', close: ']' },
  mistral: { open: '[TOOL_CALLS] [', item: JSON_ITEM, sep: ', ', close: ']' },
  pythonic: {
    open: '[',
    item: (i) => `get_weather(location="City ${i}", days=${i % 7})`,
    sep: ', ',
    close: ']',
  },
  llama: {
    open: '<|python_tag|>',
    item: (i) => `{"name": "get_weather", "parameters": {"location": "City ${i}"}}`,
    sep: ';',
    close: '',
  },
  sarashina: {
    open: '<|tool_calls|>[',
    item: (i) => `{'name': 'get_weather', 'arguments': {'city': 'City ${i}', 'days': ${i % 7}}}`,
    sep: ', ',
    close: ']',
  },
  kimi_k3: {
    open: '<|open|>tools<|sep|>',
    item: (i) =>
      `<|open|>call tool="get_weather" index="${i + 1}"<|sep|>` +
      `<|open|>argument key="city" type="string"<|sep|>City ${i}<|close|>argument<|sep|>` +
      '<|close|>call<|sep|>',
    sep: '',
    close: '<|close|>tools<|sep|>',
  },
};

function listInput(f: ListFormat, tools: readonly ToolSpec[]): ToolInput {
  const items: string[] = [];
  let size = f.open.length + f.close.length;
  while (size < TARGET_BYTES) {
    const item = f.item(items.length);
    items.push(item);
    size += item.length + f.sep.length;
  }
  return { text: f.open + items.join(f.sep) + f.close, tools, calls: items.length };
}

function repeatedInput(name: string): ToolInput {
  const vectors = TOOL_VECTORS.find((s) => s.parser === name)?.vectors ?? [];
  const sample = vectors.filter(
    (v) => v.expect !== 'error' && (v.kind === 'several_calls' || v.kind === 'one_call'),
  );
  if (sample.length === 0) throw new Error(`no one/several-call vector for ${name}`);
  const unit = sample.map((v) => v.text).join('\n');
  const unitCalls = sample.reduce(
    (n, v) => n + (v.expect === 'error' ? 0 : v.expect.calls.length),
    0,
  );
  const reps = Math.max(1, Math.ceil(TARGET_BYTES / unit.length));
  return {
    text: unit.repeat(reps),
    tools: sample[0]?.tools ?? BENCH_TOOLS,
    calls: unitCalls * reps,
  };
}

/** The checked input for `parser`; throws when the parse does not find every call. */
export function toolInput(name: string, parser: ToolParser): ToolInput {
  const list = LISTS[name];
  const input = list ? listInput(list, BENCH_TOOLS) : repeatedInput(name);
  const found = parser.parse(input.text, input.tools).calls.length;
  if (found !== input.calls) {
    throw new Error(`${name}: the bench input parses to ${found} calls, built with ${input.calls}`);
  }
  return input;
}
