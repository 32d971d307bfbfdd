import assert from 'node:assert/strict';
import { test } from 'node:test';
import { glm47MoeParser as parser } from '../../../../src/parsers/tool/glm47-moe';
import { glm47MoeVectors } from '../../../contract/tool-vectors/glm47-moe';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

void test('glm47_moe: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, glm47MoeVectors.vectors, TOOLS_B);
});

void test('glm47_moe: keys are trimmed, a repeated key keeps its place, Rust number syntax', () => {
  const text =
    '<tool_call>f <arg_key> k </arg_key> \n <arg_value> 007 </arg_value><arg_key>k</arg_key><arg_value>+5</arg_value>' +
    '<arg_key>j</arg_key><arg_value>1.</arg_value></tool_call>';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'f', arguments: '{"k":5,"j":1.0}' },
  ]);
});

void test('glm47_moe: a key runs to the first </arg_key> that is followed by <arg_value> (lazy regex)', () => {
  const text =
    '<tool_call>f<arg_key>a</arg_key>x<arg_key>b</arg_key><arg_value>1</arg_value></tool_call>';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'f', arguments: '{"a</arg_key>x<arg_key>b":1}' },
  ]);
});

void test('glm47_moe: a block that starts with < has no name and gives no call', () => {
  const text = '<tool_call><arg_key>a</arg_key><arg_value>1</arg_value></tool_call>';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), { normalText: text, calls: [] });
});

void test('glm47_moe: 5 MB of calls and 5 MB of unmatched keys stay linear', () => {
  const one = '<tool_call>search<arg_key>query</arg_key><arg_value>q</arg_value></tool_call>';
  const text = one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '</tool_call>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const keys = '<tool_call>f' + '<arg_key>a</arg_key>'.repeat(250_000) + '</tool_call>';
  assert.deepEqual(plain(parser.parse(keys, TOOLS_B)).calls, [{ name: 'f', arguments: '{}' }]);
});
