import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimaxM2Parser as parser } from '../../../../src/parsers/tool/minimax-m2';
import { minimaxM2Vectors } from '../../../contract/tool-vectors/minimax-m2';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const wrap = (invokes: string): string => `<minimax:tool_call>${invokes}</minimax:tool_call>`;

void test('minimax_m2: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, minimaxM2Vectors.vectors, TOOLS_B);
});

void test('minimax_m2: values are not trimmed; only schema integers parse through spaces', () => {
  const text = wrap(
    '<invoke name="search"><parameter name="limit"> 7 </parameter><parameter name="query"> 7 </parameter>' +
      '<parameter name="x"> 7 </parameter></invoke>',
  );
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"limit":7,"query":" 7 ","x":" 7 "}' },
  ]);
});

void test('minimax_m2: the end marker split across chunks still closes the wrapper', () => {
  const s = parser.stream(TOOLS_B);
  assert.equal(s.push('ok <minimax:to').normalText, 'ok ');
  assert.deepEqual(
    s.push(
      'ol_call><invoke name="search"><parameter name="query">a</parameter></invoke></minimax:tool',
    ).calls,
    [],
  );
  assert.deepEqual(s.push('_call> bye').calls, [
    { index: 0, name: 'search', argumentsDelta: '{"query":"a"}' },
  ]);
  assert.deepEqual(s.finish(), { normalText: '', calls: [] });
});

void test('minimax_m2: 5 MB of wrappers stay linear and bounded', () => {
  const one = wrap('<invoke name="get_weather"><parameter name="city">Lima</parameter></invoke>');
  const text = one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '</minimax:tool_call>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const invokes = wrap('<invoke name="a">'.repeat(200_000));
  assert.equal(parser.parse(invokes, TOOLS_B).normalText, invokes);
});
