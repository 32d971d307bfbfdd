import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadTokenizer } from '../../../src/tokenizer';
import {
  createChatTokens,
  loadChatTemplate,
  type ChatFallback,
} from '../../../src/kv-events/chat-tokens';

const root = path.resolve(__dirname, '..', '..', '..', '..');

interface Fixture {
  model: string;
  tokenizer: string;
  cases: Array<{ name: string; messages: unknown[]; tools?: unknown[]; ids: number[] | null }>;
}

for (const name of ['llama3_1', 'qwen3']) {
  void test(`chat template + tokenizer parity with transformers: ${name}`, async () => {
    const fx = JSON.parse(
      fs.readFileSync(path.join(root, 'test', 'fixtures', 'chat-parity', `${name}.json`), 'utf8'),
    ) as Fixture;
    const dir = path.join(root, fx.tokenizer);
    const tpl = loadChatTemplate(path.join(dir, 'tokenizer_config.json'));
    assert.ok(tpl);
    const tokenizer = await loadTokenizer(path.join(dir, 'tokenizer.json'), {
      cache: { l0: { maxEntries: 100 }, l1: { maxBytes: 1 << 20 } },
    });
    const fallbacks: ChatFallback[] = [];
    const chatTokens = createChatTokens({
      templateFor: () => tpl,
      tokenizerFor: () => tokenizer,
      onFallback: (r) => fallbacks.push(r),
    });
    try {
      for (const c of fx.cases) {
        const body = { messages: c.messages, ...(c.tools ? { tools: c.tools } : {}) };
        const got = chatTokens(body, name);
        assert.deepEqual(got ? [...got] : null, c.ids, `${name}: ${c.name}`);
        // the L0/L1 caches give the same ids the second time
        assert.deepEqual([...(chatTokens(body, name) ?? [])], c.ids, `${name}: ${c.name} (cached)`);
      }
      assert.deepEqual(fallbacks, []);
      // where parity cannot be had: prediction, counted
      const image = {
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
      };
      assert.equal(chatTokens(image, name), undefined);
      assert.equal(
        chatTokens({ messages: [], chat_template_kwargs: { enable_thinking: false } }, name),
        undefined,
      );
      assert.deepEqual(fallbacks, ['not_text', 'template_kwargs']);
    } finally {
      await tokenizer.close();
    }
  });
}

void test('no template or no tokenizer: prediction, counted', () => {
  const fallbacks: ChatFallback[] = [];
  const none = createChatTokens({
    templateFor: () => undefined,
    tokenizerFor: () => undefined,
    onFallback: (r) => fallbacks.push(r),
  });
  assert.equal(none({ messages: [] }, 'm'), undefined);
  const broken = createChatTokens({
    templateFor: () => ({
      render: () => {
        throw new Error('raise_exception');
      },
      bosToken: '',
      eosToken: '',
    }),
    tokenizerFor: () => ({ encodeSync: () => new Uint32Array(0) }),
    onFallback: (r) => fallbacks.push(r),
  });
  assert.equal(broken({ messages: [{ role: 'user', content: 'x' }] }, 'm'), undefined);
  assert.deepEqual(fallbacks, ['no_template', 'template_error']);
});
