/**
 * The base (think-tag) machine's streaming specifics: what is emitted when, and what is held.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasoningParser } from '../../../../src/parsers/reasoning';
import { joined, steps } from './helpers';

const qwen3 = reasoningParser('qwen3');
const r1 = reasoningParser('deepseek_r1');
const kimi = reasoningParser('kimi');
assert.ok(qwen3 && r1 && kimi);

void test('reasoning streams as it arrives; only a possible end-token prefix is held', () => {
  const out = steps(qwen3.stream(), ['<think>reasoning ', 'content ', 'more</th', 'ink> normal']);
  assert.deepEqual(out, [
    { normalText: '', reasoningText: 'reasoning' },
    { normalText: '', reasoningText: ' content' },
    { normalText: '', reasoningText: ' more' },
    { normalText: 'normal', reasoningText: '' },
    { normalText: '', reasoningText: '' },
  ]);
});

void test('a held partial token that turns out to be text is not lost (SMG buffer-loss fix)', () => {
  const out = steps(qwen3.stream(), ['</', 'answer']);
  assert.deepEqual(joined(out), { normalText: '</answer', reasoningText: '' });
  assert.deepEqual(out[0], { normalText: '</', reasoningText: '' });
});

void test('a split start token is held until decided', () => {
  const out = steps(qwen3.stream(), ['<thi', 'nk>x']);
  assert.deepEqual(out[0], { normalText: '', reasoningText: '' });
  assert.deepEqual(out[1], { normalText: '', reasoningText: 'x' });
});

void test('text before a later start token streams as normal text (bounded memory)', () => {
  const out = joined(steps(qwen3.stream(), ['intro ', '<think>r</think>a']));
  assert.deepEqual(out, { normalText: 'intro a', reasoningText: 'r' });
});

void test('always-in-reasoning parsers stream reasoning from the first byte', () => {
  const out = steps(r1.stream(), ['step one', '</think>', 'answer']);
  assert.deepEqual(out[0], { normalText: '', reasoningText: 'step one' });
  assert.deepEqual(joined(out), { normalText: 'answer', reasoningText: 'step one' });
});

void test('trailing whitespace is held until the next text decides it', () => {
  const s = r1.stream();
  assert.deepEqual(s.push('a   '), { normalText: '', reasoningText: 'a' });
  assert.deepEqual(s.push('b'), { normalText: '', reasoningText: '   b' });
  assert.deepEqual(s.push('  '), { normalText: '', reasoningText: '' });
  assert.deepEqual(s.finish(), { normalText: '', reasoningText: '' });
});

void test("kimi's unicode tokens split inside a character sequence", () => {
  const out = joined(steps(kimi.stream(), ['◁thi', 'nk▷想', '◁/', 'think▷答']));
  assert.deepEqual(out, { normalText: '答', reasoningText: '想' });
  assert.deepEqual(kimi.parse('<think>x</think>y'), {
    normalText: '<think>x</think>y',
    reasoningText: '',
  });
});

void test('buffer overflow error carries the byte count as SMG words it', () => {
  assert.throws(() => qwen3.parse('é'.repeat(2 * 1024 * 1024 + 1)), {
    name: 'ReasoningParseError',
    message: `Buffer overflow: ${4 * 1024 * 1024 + 2} bytes exceeds maximum`,
  });
});
