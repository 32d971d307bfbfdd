import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed } from './helpers';

const py = parserNamed('pythonic');
const args = (text: string): string | undefined => py.parse(text, []).calls[0]?.arguments;

void test('Python literals become JSON', () => {
  assert.equal(
    args('[f(a=r"\\d+", b=u"x", c=0o17, d=0b101, e=.5, f=1., g=[], h={})]'),
    '{"a":"\\\\d+","b":"x","c":15,"d":5,"e":0.5,"f":1.0,"g":[],"h":{}}',
  );
  assert.equal(
    args("[f(s='it\\'s', t=\"tab\\there\", n='\\101\\x42')]"),
    '{"s":"it\'s","t":"tab\\there","n":"AB"}',
  );
  assert.equal(args('[f(a=1,\n  # a comment\n  b=2,)]'), '{"a":1,"b":2}');
});

void test('refused constructs give the original text', () => {
  for (const bad of [
    '[f(**kw)]',
    '[f(x=1, x=2)]',
    '[f(x=f"{y}")]',
    '[f(x=1j)]',
    '[f(x=...)]',
    '[f(x={1, 2})]',
    '[f(x=a.b)]',
    '[f(x=-"s")]',
    '[f(x=--1)]',
    '[f(x=010)]',
    '[f(x="a" b"b")]',
    '[f(x=1e400)]',
    '[f(x=lambda: 1)]',
    '[f(x="\\N{BULLET}")]',
  ]) {
    assert.deepEqual(py.parse(bad, []), { normalText: bad, calls: [] }, bad);
  }
});

void test('hasMarkers: the block regex, on the text without special tokens', () => {
  assert.equal(py.hasMarkers('[f()]'), true);
  assert.equal(py.hasMarkers('[f(]'), false);
  assert.equal(py.hasMarkers('[<|python_end|>f()]'), true);
});

void test('streaming: text before a possible block leaves at once; a bracket that is no call is released; the call leaves when its block closes', () => {
  const { steps, finish } = feed(py, [
    'See [',
    'x] and ',
    '[get_wea',
    'ther(location="P")]',
    ' ok<|python_',
    'end|> done',
  ]);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['See ', '[x] and ', '', '', ' ok', ' done'],
  );
  assert.deepEqual(steps[3]?.calls, [
    { index: 0, name: 'get_weather', argumentsDelta: '{"location":"P"}' },
  ]);
  assert.deepEqual(finish(), { normalText: '', calls: [] });
});

void test('streaming: a block that fails to parse releases the original text at once', () => {
  const { steps, finish } = feed(py, ['a [f(1)]', ' <|python_end|>']);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['a [f(1)]', ' <|python_end|>'],
  );
  assert.deepEqual(finish(), { normalText: '', calls: [] });
});

void test('streaming: special tokens inside a block defer the decision to the end, as the complete parse', () => {
  const text = 'x [f(a=1)<|python_end|>, g()]';
  const { steps, finish } = feed(py, [text.slice(0, 9), text.slice(9)]);
  const last = finish();
  assert.equal(
    steps.map((s) => s.normalText).join('') + last.normalText,
    py.parse(text, []).normalText,
  );
  assert.deepEqual(
    last.calls.map((c) => c.name),
    ['f', 'g'],
  );
});
