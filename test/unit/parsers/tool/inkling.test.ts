import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inklingParser as parser } from '../../../../src/parsers/tool/inkling';
import { inklingVectors } from '../../../contract/tool-vectors/inkling';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const J = '<|content_invoke_tool_json|>';

void test('inkling: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, inklingVectors.vectors, TOOLS_B);
});

void test('inkling: headers go, the other end marker is accepted, a partial end marker stays text', () => {
  const text =
    'a<|message_model|>hdr<|content_text|>b' +
    J +
    '{"name":"search","args":{}}  <|content_model_end_sampling|>c<|message_model|>x' +
    J +
    '{"name":"search","args":{"q":"{"}} <|end_mess';
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), {
    normalText: 'abc<|end_mess',
    calls: [
      { name: 'search', arguments: '{}' },
      { name: 'search', arguments: '{"q":"{"}' },
    ],
  });
});

void test('inkling: an unclosed object is dropped up to the next end marker, then parsing goes on', () => {
  const text = `x${J}{"name":"search","args":{} <|end_message|>after${J}nope<|content_model_end_sampling|>z`;
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), { normalText: 'xafterz', calls: [] });
});

void test('inkling: calls are checked against the request tools (none given: none accepted)', () => {
  const text = `${J}{"name":"search","args":{"q":1}}<|end_message|>`;
  assert.equal(parser.parse(text, TOOLS_B).calls.length, 1);
  assert.deepEqual(plain(parser.parse(text, [])), { normalText: '', calls: [] });
});

void test('inkling: 5 MB of calls stay linear and bounded; deep or unterminated JSON never throws', () => {
  const one = `<|message_model|>search${J}{"name":"search","args":{"query":"q"}}<|end_message|>`;
  const text = one.repeat(Math.ceil((5 << 20) / one.length));
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '<|end_message|>');
  assert.equal(complete.calls.length, Math.ceil((5 << 20) / one.length));
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const deep = `${J}{"name":"search","args":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  assert.deepEqual(plain(parser.parse(deep, TOOLS_B)), { normalText: '', calls: [] });
  const open = `${J}{"name":"search","args":{"q":"${'x'.repeat(5 << 20)}`;
  assert.deepEqual(plain(parser.parse(open, TOOLS_B)), { normalText: '', calls: [] });
});
