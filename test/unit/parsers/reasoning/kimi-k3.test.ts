import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasoningParser } from '../../../../src/parsers/reasoning';
import { joined, steps } from './helpers';

const k3 = reasoningParser('kimi_k3');
assert.ok(k3);

void test('thinking disabled: the tools channel streams to normal content', () => {
  const chunks = [
    '<|close|>response',
    '<|sep|>',
    '<|open|>tools',
    '<|sep|>',
    '<|open|>call tool="get_weather" index="1"',
    '<|sep|>',
    '<|close|>call',
    '<|sep|>',
    '<|close|>tools',
    '<|sep|>',
  ];
  assert.deepEqual(joined(steps(k3.stream(), chunks)), {
    reasoningText: '',
    normalText:
      '<|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|><|close|>call<|sep|><|close|>tools<|sep|>',
  });
});

void test('a split think opener is held back, then reasoning streams', () => {
  const s = k3.stream();
  assert.equal(s.push('<|open|>').reasoningText, '');
  assert.equal(s.push('think').reasoningText, '');
  assert.equal(s.push('<|sep|>step').reasoningText, 'step');
});

void test('a split think close is held; content after it has the response wrapper stripped', () => {
  const s = k3.stream();
  s.push('<|open|>think<|sep|>step');
  assert.deepEqual(s.push('<|close|>'), { normalText: '', reasoningText: '' });
  assert.deepEqual(s.push('think<|sep|><|open|>response<|sep|>answer'), {
    normalText: 'answer',
    reasoningText: '',
  });
});

void test('split message wrappers never leak into content', () => {
  const s = k3.stream();
  s.push('<|open|>think<|sep|>step<|close|>think<|sep|>');
  assert.equal(s.push('<|open|>mess').normalText, '');
  assert.equal(s.push('age<|sep|>answer').normalText, 'answer');
  assert.equal(s.push(' more<|clo').normalText, ' more');
  assert.equal(s.push('se|>message<|sep|> tail').normalText, ' tail');
});
