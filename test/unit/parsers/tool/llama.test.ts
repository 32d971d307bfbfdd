import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed } from './helpers';

const llama = parserNamed('llama');

void test('the python tag wins over a leading object', () => {
  const r = llama.parse('{"x": 1} <|python_tag|>{"name": "f", "parameters": {}}', []);
  assert.deepEqual(r, { normalText: '{"x": 1} ', calls: [{ name: 'f', arguments: '{}' }] });
});

void test('hasMarkers: the tag or a leading {', () => {
  assert.equal(llama.hasMarkers(' {'), true);
  assert.equal(llama.hasMarkers('a <|python_tag|>'), true);
  assert.equal(llama.hasMarkers('a {'), false);
});

void test('streaming: text before the tag leaves at once; calls are decided at the end', () => {
  const { steps, finish } = feed(llama, [
    'Let me ',
    'check <|python',
    '_tag|>{"name": "f", ',
    '"parameters": {}}',
  ]);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['Let me ', 'check ', '', ''],
  );
  assert.deepEqual(finish(), {
    normalText: '',
    calls: [{ index: 0, name: 'f', argumentsDelta: '{}' }],
  });
});
