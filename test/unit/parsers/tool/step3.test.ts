import assert from 'node:assert/strict';
import { test } from 'node:test';
import { step3Parser as parser } from '../../../../src/parsers/tool/step3';
import { step3Vectors } from '../../../contract/tool-vectors/step3';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const call = (name: string, params: string): string =>
  `<｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="${name}">${params}</steptml:invoke><｜tool_call_end｜>`;

void test('step3: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, step3Vectors.vectors, TOOLS_B);
});

void test('step3: an empty parameter value makes the lazy (.+?) run on to the next close', () => {
  const text =
    '<｜tool_calls_begin｜>' +
    call(
      'search',
      '<steptml:parameter name="a"></steptml:parameter><steptml:parameter name="b">x</steptml:parameter>',
    );
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"a":"</steptml:parameter><steptml:parameter name=\\"b\\">x"}' },
  ]);
});

void test('step3: values are inferred, not converted by the schema', () => {
  const text =
    '<｜tool_calls_begin｜>' +
    call('search', '<steptml:parameter name="query">42</steptml:parameter>');
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"query":42}' },
  ]);
});

void test('step3: two separators in one call skip it', () => {
  const text =
    '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><｜tool_sep｜><｜tool_call_end｜>';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), { normalText: text, calls: [] });
});

void test('step3: 5 MB of calls stay linear and bounded', () => {
  const one = call('get_weather', '<steptml:parameter name="city">Oslo</steptml:parameter>');
  const text =
    'Hi <｜tool_calls_begin｜>' +
    one.repeat(Math.ceil((5 << 20) / one.length)) +
    '<｜tool_calls_end｜>';
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '<｜tool_call_end｜>');
  assert.equal(complete.normalText, 'Hi ');
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const invokes =
    '<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜>' +
    '<steptml:invoke name="a">'.repeat(200_000);
  assert.equal(parser.parse(invokes, TOOLS_B).normalText, invokes);
});
