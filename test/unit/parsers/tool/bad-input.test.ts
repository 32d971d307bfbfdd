/**
 * Hostile input for every registered tool parser: multi-megabyte texts, thousands of calls,
 * unterminated markers, deep nesting, lone surrogates. Each must give a result (or a
 * ToolParseError) — no crash, no RangeError, no hang. The generous per-test timeouts catch a
 * quadratic blow-up (minutes to hours at these sizes) without timing-tight assertions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assembleSteps } from '../../../../src/parsers/tool/common';
import { ToolParseError, toolParser, toolParserNames } from '../../../../src/parsers/tool';
import type { ToolParser, ToolParseResult, ToolSpec } from '../../../../src/parsers/tool/types';

const TOOLS: readonly ToolSpec[] = [
  {
    type: 'function',
    function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'integer' } } } },
  },
];
const MB = 1 << 20;

/** One call in each format this branch knows; other parsers get the JSON object. */
const ONE_CALL: Readonly<Record<string, string>> = {
  json: '{"name": "f", "arguments": {"a": 1}}',
  mistral: '{"name": "f", "arguments": {"a": 1}}',
  qwen: '<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>\n',
  qwen_xml:
    '<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n</tool_call>\n',
  qwen_coder:
    '<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n</tool_call>\n',
  pythonic: 'f(a=1)',
  llama: '{"name": "f", "parameters": {"a": 1}}',
  deepseek:
    '<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{"a": 1}\n```<｜tool▁call▁end｜>',
  deepseek31: '<｜tool▁call▁begin｜>f<｜tool▁sep｜>{"a": 1}<｜tool▁call▁end｜>',
  deepseek32:
    '<｜DSML｜invoke name="f">\n<｜DSML｜parameter name="a" string="false">1</｜DSML｜parameter>\n</｜DSML｜invoke>\n',
};

/** `n` calls in the parser's format (joined the way the format allows several). */
function manyCalls(name: string, n: number): string | undefined {
  const one = ONE_CALL[name];
  if (one === undefined) return undefined;
  const rep = (sep: string): string => Array.from({ length: n }, () => one).join(sep);
  switch (name) {
    case 'json':
    case 'mistral':
      return `${name === 'mistral' ? '[TOOL_CALLS] ' : ''}[${rep(', ')}]`;
    case 'pythonic':
      return `[${rep(', ')}]`;
    case 'llama':
      return `<|python_tag|>${rep(';')}`;
    case 'deepseek':
    case 'deepseek31':
      return `<｜tool▁calls▁begin｜>${rep('')}<｜tool▁calls▁end｜>`;
    case 'deepseek32':
      return `<｜DSML｜function_calls>\n${rep('')}</｜DSML｜function_calls>`;
    default:
      return rep('');
  }
}

function parseOrError(parser: ToolParser, text: string): ToolParseResult | 'error' {
  try {
    return parser.parse(text, TOOLS);
  } catch (e) {
    if (e instanceof ToolParseError) return 'error';
    throw e;
  }
}

function streamAll(parser: ToolParser, text: string, size: number): ToolParseResult {
  const s = parser.stream(TOOLS);
  const steps = [];
  for (let i = 0; i < text.length; i += size) steps.push(s.push(text.slice(i, i + size)));
  steps.push(s.finish());
  return assembleSteps(steps);
}

/** Each opening marker any parser knows, repeated without ever closing. */
const UNTERMINATED = [
  '<tool_call>\n{"name": "f", "arguments": {"a": "',
  '[TOOL_CALLS] [{"name": "f", "arguments": {',
  '<|python_tag|>{"name": "f", "parameters": {"a": [',
  '[f(a=[',
  '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{',
  '<｜DSML｜function_calls><｜DSML｜invoke name="f"><｜DSML｜parameter name="a" string="true">',
  '<tool_call><function=f><parameter=a>',
  '<function=<parameter=',
].join(' ');

for (const name of toolParserNames()) {
  const parser = toolParser(name);
  if (parser === undefined) continue;
  void describe(`tool parser ${name}: bad input`, () => {
    void test('5 MB of plain text with scattered brackets and quotes', { timeout: 120_000 }, () => {
      const unit = 'Some text with [brackets], {braces}, "quotes", <angles> and \\ slashes; ok.\n';
      const text = unit.repeat(Math.ceil((5 * MB) / unit.length));
      const r = parseOrError(parser, text);
      assert.notEqual(r, 'error');
      const streamed = streamAll(parser, text, 64 * 1024);
      assert.deepEqual(streamed, r);
    });

    void test('5,000 calls in one text', { timeout: 120_000 }, () => {
      const text = manyCalls(name, 5000) ?? '';
      const r = parseOrError(parser, text);
      assert.notEqual(r, 'error');
      if (r !== 'error' && name in ONE_CALL) assert.equal(r.calls.length, 5000);
      assert.deepEqual(streamAll(parser, text, 4096), r);
    });

    void test('unterminated markers, repeated over megabytes', { timeout: 120_000 }, () => {
      const text = UNTERMINATED.repeat(Math.ceil((2 * MB) / UNTERMINATED.length));
      const r = parseOrError(parser, text);
      assert.notEqual(r, 'error');
      assert.deepEqual(streamAll(parser, text, 64 * 1024), r);
    });

    void test(
      'deeply nested arguments (100,000 levels) do not overflow the stack',
      { timeout: 120_000 },
      () => {
        const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
        const list = '['.repeat(100_000) + ']'.repeat(100_000);
        for (const body of [deep, list]) {
          const call = (ONE_CALL[name] ?? '{"name": "f", "arguments": {"a": 1}}').replace(
            '1',
            body,
          );
          const text = manyCalls(name, 1)?.replace(ONE_CALL[name] ?? '', call) ?? call;
          assert.doesNotThrow(() => parseOrError(parser, text));
          assert.doesNotThrow(() => streamAll(parser, text, 1000));
        }
      },
    );

    void test('lone surrogates and replacement characters', () => {
      const text = `\ud800 x \udfff ${manyCalls(name, 1) ?? ''} \uFFFD \ud83d`;
      const r = parseOrError(parser, text);
      assert.notEqual(r, 'error');
      assert.deepEqual(streamAll(parser, text, 1), r);
      if (r !== 'error')
        for (const c of r.calls) assert.doesNotThrow(() => JSON.parse(c.arguments) as unknown);
    });
  });
}
