import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cohereParser as parser } from '../../../../src/parsers/tool/cohere';
import { cohereVectors } from '../../../contract/tool-vectors/cohere';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const action = (json: string): string => `<|START_ACTION|>${json}<|END_ACTION|>`;

void test('cohere: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, cohereVectors.vectors, TOOLS_B);
});

void test('cohere: markers are removed from the joined text, so one split by an action goes too', () => {
  const text = '<|START_RESP' + action('{"name":"search","parameters":null}') + 'ONSE|> hi';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), {
    normalText: 'hi',
    calls: [{ name: 'search', arguments: 'null' }],
  });
});

void test('cohere: a non-string tool_name falls back to name; non-objects are skipped', () => {
  const text = action('[{"tool_name": 1, "name": "search", "arguments": {"q": 1}}, 3, "x"]');
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)).calls, [
    { name: 'search', arguments: '{"q":1}' },
  ]);
});

void test('cohere: whitespace is trimmed at both ends of the stream only', () => {
  const s = parser.stream(TOOLS_B);
  assert.equal(s.push('  \n Hello ').normalText, 'Hello');
  assert.equal(s.push(' world  ').normalText, '  world');
  assert.deepEqual(s.finish(), { normalText: '', calls: [] });
});

void test('cohere: 5 MB of actions and an unterminated 5 MB action stay linear', () => {
  const one = action('{"tool_name": "search", "parameters": {"query": "q"}}') + ' ';
  const text = one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '<|END_ACTION|>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const open = '<|START_ACTION|>{"a": "' + 'x'.repeat(5 << 20);
  assert.equal(parser.parse(open, TOOLS_B).normalText, open);
  const deep = action(
    '{"tool_name": "search", "parameters": ' + '['.repeat(50_000) + ']'.repeat(50_000) + '}',
  );
  assert.deepEqual(plain(parser.parse(deep, TOOLS_B)).calls, []);
});
