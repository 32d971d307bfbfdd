import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed, textOf } from './helpers';

const json = parserNamed('json');

void test('hasMarkers: text that starts (after whitespace) with { or [', () => {
  assert.equal(json.hasMarkers('  {"name": 1}'), true);
  assert.equal(json.hasMarkers('[1]'), true);
  assert.equal(json.hasMarkers('say {"name": 1}'), false);
});

void test('only the first valid JSON is taken; later JSON stays text', () => {
  const r = json.parse('{"name": "a"} and {"name": "b"}', []);
  assert.deepEqual(r, {
    normalText: ' and {"name": "b"}',
    calls: [{ name: 'a', arguments: '{}' }],
  });
});

void test('"name" present but not a string does not fall back to "function"', () => {
  assert.deepEqual(json.parse('{"name": null, "function": "f"}', []).calls, []);
});

void test('a scalar top-level value is no candidate; brackets inside strings are ignored', () => {
  const r = json.parse('{"name": "f", "arguments": {"s": "}]{["}}', []);
  assert.deepEqual(r.calls, [{ name: 'f', arguments: '{"s":"}]{["}' }]);
});

void test('streaming: prose leaves at once, the call when its JSON closes, text after as it comes', () => {
  const { steps, finish } = feed(json, ['Sure. ', '{"name": "f", ', '"arguments": {}}', ' Bye']);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['Sure. ', '', '', ' Bye'],
  );
  assert.deepEqual(steps[2]?.calls, [{ index: 0, name: 'f', argumentsDelta: '{}' }]);
  assert.equal(textOf([finish()]), '');
});
