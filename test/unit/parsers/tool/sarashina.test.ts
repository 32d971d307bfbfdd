import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sarashinaParser as parser } from '../../../../src/parsers/tool/sarashina';
import { sarashinaVectors } from '../../../contract/tool-vectors/sarashina';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

void test('sarashina: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, sarashinaVectors.vectors, TOOLS_B);
});

void test('sarashina (SMG unit cases): leading text with the marker, Python literals, apostrophes', () => {
  assert.deepEqual(
    plain(parser.parse("Let me check.<|tool_calls|>[{'name': 'ping', 'arguments': {}}]", TOOLS_B)),
    {
      normalText: 'Let me check.',
      calls: [{ name: 'ping', arguments: '{}' }],
    },
  );
  const flags = "[{'name': 'flags', 'arguments': {'a': True, 'b': False, 'c': None}}]";
  assert.deepEqual(plain(parser.parse(flags, TOOLS_B)).calls, [
    { name: 'flags', arguments: '{"a":true,"b":false,"c":null}' },
  ]);
  const apostrophe = "[{'name': 'say', 'arguments': {'text': 'it\\'s [done]'}}]";
  assert.deepEqual(plain(parser.parse(apostrophe, TOOLS_B)).calls, [
    { name: 'say', arguments: '{"text":"it\'s [done]"}' },
  ]);
});

void test('sarashina: a marker split across chunks and a "[" / "{" split by whitespace', () => {
  const s = parser.stream(TOOLS_B);
  assert.equal(s.push('Sure.').normalText, 'Sure.');
  assert.equal(s.push('<|tool_ca').normalText, '');
  assert.deepEqual(s.push("lls|>[{'name': 'ping', 'arg").calls, []);
  assert.deepEqual(s.push("uments': {}}]").calls, [
    { index: 0, name: 'ping', argumentsDelta: '{}' },
  ]);
  const b = parser.stream(TOOLS_B);
  b.push('[ ');
  assert.deepEqual(b.push("  {'name': 'ping', 'arguments': {}}]").calls, [
    { index: 0, name: 'ping', argumentsDelta: '{}' },
  ]);
});

void test('sarashina: hasMarkers (marker, or a leading [ then {)', () => {
  assert.equal(parser.hasMarkers('<|tool_calls|>[]'), true);
  assert.equal(parser.hasMarkers("  [ {'name': 'x', 'arguments': {}}]"), true);
  assert.equal(parser.hasMarkers('[TOOL_CALLS]'), false);
  assert.equal(parser.hasMarkers('just text'), false);
});

void test('sarashina: 5 MB payloads, deep nesting and unbalanced input never throw', () => {
  const one = "{'name': 'search', 'arguments': {'query': 'q'}}, ";
  const n = Math.ceil((5 << 20) / one.length);
  const text = `<|tool_calls|>[${one.repeat(n)}]`;
  const { complete, streamed } = bigInput(parser, text, TOOLS_B, ']');
  assert.equal(complete.calls.length, n);
  assert.deepEqual(plain(streamed), plain(complete));
  const deep = `[{'name': 'search', 'arguments': ${'['.repeat(100_000)}${']'.repeat(100_000)}}]`;
  assert.deepEqual(plain(parser.parse(deep, TOOLS_B)), { normalText: deep, calls: [] });
  const open = `[{'name': 'search', 'arguments': '${'x'.repeat(5 << 20)}`;
  assert.equal(parser.parse(open, TOOLS_B).normalText, open);
});
