import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { api, registerTokenizer } from '../helpers/tokenizer-api';

/**
 * WordPiece (BERT-style) and Unigram tokenizers, which the C++ engine refuses, are served by
 * the JS fallback engine through the same routes, exact against HF's Rust library.
 */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tokenizers');
const TEXTS = [
  'Hello, World! Tokenizers for embeddings and rerankers.',
  'Ünïcödé, 日本語の文章, emoji 🥲 and numbers 12345.',
  'x'.repeat(5000) + ' long input goes to the thread pool',
];

describe('tokenizers on the JS fallback engine (WordPiece, Unigram)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(['--tokenizer-path', path.join(FIXTURES, 'wordpiece')]);
  });
  after(() => gw.close());

  for (const kind of ['wordpiece', 'unigram'] as const) {
    test(`${kind}: registered through /v1/tokenizers, /v1/tokenize and /v1/detokenize match HF`, async () => {
      const dir = path.join(FIXTURES, kind);
      const reg = await registerTokenizer(gw.url, `js-${kind}`, dir);
      assert.equal(reg.status, 'completed', reg.message);
      const oracle = HfTokenizer.fromFile(path.join(dir, 'tokenizer.json'));
      for (const prompt of TEXTS) {
        const r = await api(gw.url, 'POST', '/v1/tokenize', { model: `js-${kind}`, prompt });
        assert.equal(r.status, 200, r.text);
        const want = (await oracle.encode(prompt, null, { addSpecialTokens: false })).getIds();
        const got = (r.json as { tokens: number[] }).tokens;
        assert.deepEqual(got, want, prompt.slice(0, 40));
        const d = await api(gw.url, 'POST', '/v1/detokenize', { model: `js-${kind}`, tokens: got });
        assert.equal(d.status, 200, d.text);
        assert.equal((d.json as { text: string }).text, await oracle.decode(want, true));
      }
    });
  }

  test('a tokenizer.json neither engine can load fails registration with both reasons', async () => {
    const reg = await registerTokenizer(
      gw.url,
      'broken',
      path.join(FIXTURES, '..', 'tokenizer-corpus'),
    );
    assert.equal(reg.status, 'failed');
  });
});
