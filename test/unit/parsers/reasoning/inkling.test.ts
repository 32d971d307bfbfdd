import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasoningParser } from '../../../../src/parsers/reasoning';
import { joined, steps } from './helpers';

const inkling = reasoningParser('inkling');
assert.ok(inkling);

const TYPED =
  '<|message_model|><|content_thinking|>check sources<|end_message|>' +
  '<|message_model|><|content_text|>Here is the answer.<|end_message|>' +
  '<|message_model|>search<|content_invoke_tool_json|>{"name":"search","args":{"q":"rust"}}' +
  '<|end_message|><|content_model_end_sampling|>';

void test('every two-chunk split of the typed output gives the complete parse', () => {
  const expect = inkling.parse(TYPED);
  for (let i = 0; i <= TYPED.length; i++) {
    assert.deepEqual(joined(steps(inkling.stream(), [TYPED.slice(0, i), TYPED.slice(i)])), expect);
  }
});

void test('a partial control token is held and reset per stream', () => {
  const s = inkling.stream();
  assert.deepEqual(s.push('<|content_thinking|>work<|end_mes'), {
    normalText: '',
    reasoningText: 'work',
  });
  assert.deepEqual(joined(steps(inkling.stream(), ['plain answer'])), {
    normalText: 'plain answer',
    reasoningText: '',
  });
});

void test('a text-mode tool frame is dropped up to its end token, then text resumes', () => {
  const out = inkling.parse('<|content_invoke_tool_text|>x<|end_message|><|content_text|>ok');
  assert.deepEqual(out, { normalText: 'ok', reasoningText: '' });
});
