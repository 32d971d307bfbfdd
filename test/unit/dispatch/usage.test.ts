import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanUsage } from '../../../src/dispatch/usage';
import type { RequestNotes } from '../../../src/server/types';

const scan = (text: string): RequestNotes => {
  const n: RequestNotes = {};
  scanUsage(Buffer.from(text), n);
  return n;
};

test('OpenAI usage with cached tokens', () => {
  const body = JSON.stringify({
    id: 'x',
    choices: [{ message: { content: 'hi' }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 8 },
    },
  });
  assert.deepEqual(scan(body), { promptTokens: 12, completionTokens: 7, cachedTokens: 8 });
});

test('Anthropic usage and SGLang meta_info (spaces after the colon)', () => {
  assert.deepEqual(
    scan('{"usage":{"input_tokens": 5,"cache_read_input_tokens": 3,"output_tokens": 2}}'),
    { promptTokens: 5, completionTokens: 2, cachedTokens: 3 },
  );
  // names that end like a counted one but are not it: cache writes, totals, reasoning
  assert.deepEqual(
    scan(
      '{"usage":{"cache_creation_input_tokens":7,"total_tokens":9,"reasoning_tokens":4,' +
        '"uncached_tokens":6,"xcompletion_tokens":8,"input_tokens":1}}',
    ),
    { promptTokens: 1 },
  );
  assert.deepEqual(scan('{"meta_info":{"prompt_tokens": 4, "completion_tokens":\n9}}'), {
    promptTokens: 4,
    completionTokens: 9,
  });
});

test('no usage, null counts, and counts too long to be counts leave notes alone', () => {
  assert.deepEqual(scan('data: {"choices":[{"delta":{"content":"a_tokens"}}]}\n\n'), {});
  assert.deepEqual(scan('{"usage":{"prompt_tokens":null,"completion_tokens":"3"}}'), {});
  assert.deepEqual(scan('{"usage":{"prompt_tokens":1234567890123456}}'), {});
  assert.deepEqual(scan(''), {});
  assert.deepEqual(scan('_tokens"'), {});
  // usage-like text inside a string value is escaped JSON: not a report
  assert.deepEqual(scan(JSON.stringify({ content: '{"prompt_tokens":5}' })), {});
  assert.deepEqual(scan('{"total_tokens":9,"x_prompt_tokens":4}'), {});
});

test('the last report in a chunk wins; later chunks overwrite earlier ones', () => {
  const n: RequestNotes = {};
  scanUsage(Buffer.from('{"completion_tokens":1} {"completion_tokens":2}'), n);
  assert.equal(n.completionTokens, 2);
  scanUsage(Buffer.from('data: {"meta_info":{"completion_tokens":3}}'), n);
  assert.equal(n.completionTokens, 3);
});

test('large answers (past the inline scan) and usage far from the start', () => {
  const filler = 'x'.repeat(100_000);
  const body = `{"choices":[{"text":"${filler}"}],"usage":{"prompt_tokens":7,"completion_tokens":70}}`;
  assert.deepEqual(scan(body), { promptTokens: 7, completionTokens: 70 });
  const small = `${'y'.repeat(1500)}{"usage":{"output_tokens":6}}`;
  assert.deepEqual(scan(small), { completionTokens: 6 });
});

test('a key cut by the chunk edge is not misread', () => {
  assert.deepEqual(scan('{"usage":{"prompt_tok'), {});
  assert.deepEqual(scan('ens":5}}'), {});
  assert.deepEqual(scan('{"usage":{"prompt_tokens":'), {});
});
