import assert from 'node:assert/strict';
import { test } from 'node:test';
import { glm45MoeParser as parser } from '../../../../src/parsers/tool/glm45-moe';
import { glm45MoeVectors } from '../../../contract/tool-vectors/glm45-moe';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const call = (name: string, args: [string, string][]): string =>
  `<tool_call>${name}\n${args.map(([k, v]) => `<arg_key>${k}</arg_key>\n<arg_value>${v}</arg_value>\n`).join('')}</tool_call>`;

void test('glm45_moe: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, glm45MoeVectors.vectors, TOOLS_B);
});

void test('glm45_moe: an empty first line is a call with an empty name (SMG does not check names)', () => {
  const r = parser.parse(
    '<tool_call>\n<arg_key>a</arg_key><arg_value>1</arg_value></tool_call>',
    TOOLS_B,
  );
  assert.deepEqual(plain(r), { normalText: '', calls: [{ name: '', arguments: '{"a":1}' }] });
});

void test('glm45_moe: the schema type of the named tool converts values; other tools infer', () => {
  const text = call('search', [
    ['limit', ' 12 '],
    ['exact', 'False'],
    ['query', '12'],
  ]);
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"limit":12,"exact":false,"query":"12"}' },
  ]);
  assert.deepEqual(plain(parser.parse(text, [])).calls, [
    { name: 'search', arguments: '{"limit":12,"exact":false,"query":12}' },
  ]);
});

void test('glm45_moe: hasMarkers looks for <tool_call>', () => {
  assert.equal(parser.hasMarkers('a <tool_call>'), true);
  assert.equal(parser.hasMarkers('a <tool_cal'), false);
});

void test('glm45_moe: 5 MB of calls parse linearly and stream with a bounded hold', () => {
  const one = call('get_weather', [
    ['city', 'Paris'],
    ['days', '2'],
  ]);
  const text = 'intro ' + one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '</tool_call>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.equal(complete.normalText, 'intro ');
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
});

void test('glm45_moe: unterminated markup, deep nesting and lone surrogates never throw', () => {
  const open = '<tool_call>get_weather\n<arg_key>city</arg_key><arg_value>' + 'x'.repeat(5 << 20);
  assert.equal(parser.parse(open, TOOLS_B).normalText, open);
  const deep = call('search', [['filters', '['.repeat(100_000) + ']'.repeat(100_000)]]);
  const args = parser.parse(deep, TOOLS_B).calls[0]?.arguments ?? '';
  assert.ok(args.startsWith('{"filters":"[[['), 'too deep for serde: kept as a string');
  const lone = call('get_weather', [['city', '\ud800x\udc00']]);
  assert.equal(parser.parse(lone, TOOLS_B).calls.length, 1);
  const many = '<tool_call>'.repeat(200_000);
  assert.equal(parser.parse(many, TOOLS_B).normalText, many);
});
