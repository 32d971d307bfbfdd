import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kimiK2Parser as parser } from '../../../../src/parsers/tool/kimik2';
import { kimik2Vectors } from '../../../contract/tool-vectors/kimik2';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const SECTION = '<|tool_calls_section_begin|>';
const call = (id: string, args: string): string =>
  `<|tool_call_begin|>${id}<|tool_call_argument_begin|>${args}<|tool_call_end|>`;

void test('kimik2: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, kimik2Vectors.vectors, TOOLS_B);
});

void test('kimik2: whitespace around the id and arguments is allowed; arguments stay verbatim', () => {
  const text = `${SECTION}<|tool_call_begin|> functions.search:1 <|tool_call_argument_begin|> {"q": 1} \n <|tool_call_end|>`;
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"q": 1}' },
  ]);
});

void test('kimik2: the arguments run to the first end marker preceded by }, even past another one', () => {
  const text = SECTION + call('functions.search:1', '{"a": 1<|tool_call_end|>x"}"}');
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), { normalText: text, calls: [] });
});

void test('kimik2: id forms — bare functions., bad ids, non-ASCII digits, usize overflow, Unicode names', () => {
  const text =
    SECTION +
    call('functions.:1', '{}') +
    call('bad id', '{}') +
    call('f:٣', '{}') +
    call('名前.x:99999999999999999999', '{}') +
    call('名前.x:9', '{}');
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'functions.', arguments: '{}' },
    { name: '名前.x', arguments: '{}' },
  ]);
});

void test('kimik2: a surrogate pair split across chunks does not end the id', () => {
  const s = parser.stream(TOOLS_B);
  s.push(`${SECTION}<|tool_call_begin|>functions.a\ud835`);
  const step = s.push(`\udc00b:0<|tool_call_argument_begin|>{}<|tool_call_end|>`);
  assert.deepEqual(step.calls, [{ index: 0, name: 'a\ud835\udc00b', argumentsDelta: '{}' }]);
});

void test('kimik2: 5 MB of calls stay linear and bounded; unterminated input is returned whole', () => {
  const one = call('functions.get_weather:0', '{"city": "Kyiv"}');
  const text = SECTION + one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '<|tool_call_end|>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const open = SECTION + '<|tool_call_begin|>f:0<|tool_call_argument_begin|>{'.repeat(100_000);
  assert.equal(parser.parse(open, TOOLS_B).normalText, open);
});
