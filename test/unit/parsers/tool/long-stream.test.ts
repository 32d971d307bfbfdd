/**
 * Streaming stays linear for the parsers long-call.test.ts does not cover, on the two shapes
 * that make a stream hold a lot: one call with a 2 MB argument, and one list or section of
 * thousands of calls (the formats that wrap all calls in one). Fed in 64-character chunks (a
 * few tokens, as the response path feeds them), each must end with the complete parse. A stream
 * that re-reads its held text on every chunk copies it each time (V8 flattens the grown
 * string): json, mistral and pythonic took ~25 s for 512 KB that way; linear, each case here
 * takes milliseconds, so the generous timeout fails a quadratic stream without being tight.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toolParser } from '../../../../src/parsers/tool';
import type { ToolSpec } from '../../../../src/parsers/tool/types';
import { DEFAULT_TOOLS } from '../../../contract/tool-vectors/defaults';
import { chunkText, plain, streamChunks } from './stream-check';

const BIG = 'x'.repeat(2 << 20);
const DS_CALL = '<｜tool▁call▁begin｜>';
const DS_END = '<｜tool▁call▁end｜><｜tool▁calls▁end｜>';

const ONE_LONG_CALL: Record<string, string> = {
  json: `{"name": "search", "arguments": {"query": "${BIG}"}}`,
  mistral: `[TOOL_CALLS] [{"name": "search", "arguments": {"query": "${BIG}"}}]`,
  qwen: `<tool_call>\n{"name": "search", "arguments": {"query": "${BIG}"}}\n</tool_call>`,
  qwen_xml: `<tool_call>\n<function=search>\n<parameter=query>\n${BIG}\n</parameter>\n</function>\n</tool_call>`,
  qwen_coder: `<tool_call>\n<function=search>\n<parameter=query>\n${BIG}\n</parameter>\n</function>\n</tool_call>`,
  pythonic: `[search(query="${BIG}")]`,
  llama: `<|python_tag|>{"name": "search", "parameters": {"query": "${BIG}"}}`,
  deepseek: `<｜tool▁calls▁begin｜>${DS_CALL}function<｜tool▁sep｜>search\n\`\`\`json\n{"query": "${BIG}"}\n\`\`\`${DS_END}`,
  deepseek31: `<｜tool▁calls▁begin｜>${DS_CALL}search<｜tool▁sep｜>{"query": "${BIG}"}${DS_END}`,
  deepseek32: `<｜DSML｜function_calls>\n<｜DSML｜invoke name="search">\n<｜DSML｜parameter name="query" string="true">${BIG}</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>`,
};

const N = 20_000;
const each = (f: (i: number) => string, sep: string): string =>
  Array.from({ length: N }, (_, i) => f(i)).join(sep);
const JSON_ITEM = (i: number): string => `{"name": "search", "arguments": {"query": "q${i}"}}`;

const MANY_CALLS: Record<string, string> = {
  json: `[${each(JSON_ITEM, ', ')}]`,
  mistral: `[TOOL_CALLS] [${each(JSON_ITEM, ', ')}]`,
  pythonic: `[${each((i) => `search(query="q${i}")`, ', ')}]`,
  llama: `<|python_tag|>${each((i) => `{"name": "search", "parameters": {"query": "q${i}"}}`, ';')}`,
  sarashina: `<|tool_calls|>[${each((i) => `{'name': 'search', 'arguments': {'query': 'q${i}'}}`, ', ')}]`,
  kimi_k3: `<|open|>tools<|sep|>${each(
    (i) =>
      `<|open|>call tool="search" index="${i + 1}"<|sep|><|open|>argument key="query" type="string"<|sep|>q${i}<|close|>argument<|sep|><|close|>call<|sep|>`,
    '',
  )}<|close|>tools<|sep|>`,
};

function check(name: string, text: string, calls: number, tools: readonly ToolSpec[]): void {
  const parser = toolParser(name);
  assert.ok(parser, name);
  const complete = plain(parser.parse(text, tools));
  assert.equal(complete.calls.length, calls);
  const streamed = plain(streamChunks(parser, chunkText(text, 64), tools));
  // Compared as one boolean: a failing deepEqual would print megabytes.
  assert.ok(
    JSON.stringify(streamed) === JSON.stringify(complete),
    'streamed result equals the complete parse',
  );
}

for (const [name, text] of Object.entries(ONE_LONG_CALL)) {
  void test(`${name}: one 2 MB call streamed in 64-char chunks`, { timeout: 60_000 }, () => {
    check(name, text, 1, DEFAULT_TOOLS);
  });
}

for (const [name, text] of Object.entries(MANY_CALLS)) {
  void test(
    `${name}: ${N} calls in one list streamed in 64-char chunks`,
    { timeout: 60_000 },
    () => {
      check(name, text, N, DEFAULT_TOOLS);
    },
  );
}
