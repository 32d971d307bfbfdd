import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kimiK3Parser as parser } from '../../../../src/parsers/tool/kimi-k3';
import { kimiK3Vectors } from '../../../contract/tool-vectors/kimi-k3';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { assertStreamsMatchComplete, bigInput, plain } from './stream-check';

const call = (name: string, args: string): string =>
  `<|open|>call tool="${name}" index="1"<|sep|>${args}<|close|>call<|sep|>`;
const arg = (k: string, t: string, v: string): string =>
  `<|open|>argument key="${k}" type="${t}"<|sep|>${v}<|close|>argument<|sep|>`;

void test('kimi_k3: every vector streams to the complete parse in any chunking', () => {
  assertStreamsMatchComplete(parser, kimiK3Vectors.vectors, TOOLS_B);
});

void test('kimi_k3: spaced markers, attributes with word runs, only calls inside the section', () => {
  const text =
    '<|open|> response <|sep|>Hi<|close|>message<|sep|><|close|>response <|sep|>ignored<|open|>tools<|sep|>' +
    '<|open|>call  tool="search" x-key="1" index="1"<|sep|>' +
    arg('n', 'integer', ' 5 ') +
    '<|close|> call <|sep|><|close|>tools<|sep|>' +
    call('late', '');
  assert.deepEqual(plain(parser.parse(text, TOOLS_B)), {
    normalText: 'Hi<|close|>message<|sep|>',
    calls: [{ name: 'search', arguments: '{"n":5}' }],
  });
});

void test('kimi_k3: without a response opener, closers are removed and the text around is kept', () => {
  assert.equal(
    parser.parse('A<|close|>response<|sep|>B<|close|>message<|sep|>C', TOOLS_B).normalText,
    'ABC',
  );
  assert.equal(
    parser.parse('<|open|>response<|sep|><|close|>response<|sep|>text', TOOLS_B).normalText,
    '',
  );
});

void test('kimi_k3: hasMarkers needs a tools opener', () => {
  assert.equal(parser.hasMarkers('x <|open|>  tools<|sep|>'), true);
  assert.equal(parser.hasMarkers('<|open|>response<|sep|>hi'), false);
});

void test('kimi_k3: 5 MB of calls stream linearly and bounded; unterminated markup never throws', () => {
  const one = call('get_weather', arg('city', 'string', 'Nice'));
  const n = Math.ceil((5 << 20) / one.length);
  const text = `<|open|>response<|sep|>ok<|close|>response<|sep|><|open|>tools<|sep|>${one.repeat(n)}<|close|>tools<|sep|>`;
  const { complete, streamed, maxLag } = bigInput(parser, text, TOOLS_B, '<|close|>call<|sep|>');
  assert.equal(complete.calls.length, n);
  assert.deepEqual(plain(streamed), plain(complete));
  assert.ok(maxLag <= 1, `calls emitted late: ${maxLag}`);
  const open = '<|open|>tools<|sep|>' + '<|open|>call tool="a"<|sep|>'.repeat(100_000);
  assert.deepEqual(plain(parser.parse(open, TOOLS_B)), { normalText: '', calls: [] });
  const spaces = '<|open|>' + ' '.repeat(1 << 20);
  assert.equal(parser.parse(spaces, TOOLS_B).normalText, spaces);
});
