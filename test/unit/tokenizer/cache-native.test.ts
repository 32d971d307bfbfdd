import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTokenizerPool,
  loadTokenizer,
  type Tokenizer,
  type TokenizerPool,
} from '../../../src/tokenizer';
import { randInt, seededRng } from '../../../src/util/rng';
import { lenmlFile, oracleFor } from './native-fixtures';

const arr = (a: Uint32Array): number[] => Array.from(a);

/** Special tokens and awkward neighbours per tokenizer (added non-special tokens included). */
const PIECES: Record<string, string[]> = {
  llama3_1: [
    '<|begin_of_text|>',
    '<|start_header_id|>',
    '<|end_header_id|>',
    '<|eot_id|>',
    '<|reserved_special_token_1|>',
    '<|eot_id',
    '|>',
  ],
  qwen3: [
    '<|im_start|>',
    '<|im_end|>',
    '<|endoftext|>',
    '<think>',
    '</think>',
    '<tool_call>',
    '<|im_end',
  ],
  deepseek_v3: [
    '<｜begin▁of▁sentence｜>',
    '<｜end▁of▁sentence｜>',
    '<｜User｜>',
    '<｜Assistant｜>',
    '<｜tool▁calls▁begin｜>',
  ],
  llama2: ['<s>', '</s>', '<unk>', '<s', '▁'],
};

const TEXT = [
  'Hello',
  ' world',
  '\n',
  '\n\n',
  '  ',
  ' ',
  'user',
  'assistant',
  '12',
  '345',
  'é',
  '東京',
  '😀',
  "'s",
  '.',
  'the',
  ' the',
  '\t',
  '',
];

function compositions(name: string, n: number, seed: number): string[] {
  const rng = seededRng(seed);
  const pieces = [...(PIECES[name] as string[]), ...TEXT];
  const pick = (): string => pieces[randInt(rng, pieces.length)] as string;
  const bases = Array.from({ length: 12 }, () => Array.from({ length: 16 }, pick).join(''));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = bases[randInt(rng, bases.length)] as string;
    const extra = randInt(rng, 10);
    for (let k = 0; k < extra; k++) t += pick();
    out.push(t);
  }
  return out;
}

let pool: TokenizerPool;
before(() => {
  pool = createTokenizerPool({ threads: 2 });
});
after(() => pool.close());

for (const name of ['llama3_1', 'qwen3', 'deepseek_v3', 'llama2'] as const) {
  describe(`${name}: L0 + L1 give the ids of an uncached encode`, () => {
    let plain: Tokenizer;
    let cached: Tokenizer;
    before(async () => {
      plain = await loadTokenizer(lenmlFile(name), { pool });
      cached = await loadTokenizer(lenmlFile(name), {
        pool,
        inlineThreshold: 64, // long texts take the pool path: plan → pool → finish
        cache: { l0: { maxEntries: 32 }, l1: { maxBytes: 64 * 1024 } },
      });
    });
    after(async () => {
      await plain.close();
      await cached.close();
    });

    test('boundary-heavy random texts, both flags, sync and async', async () => {
      const texts = compositions(name, 300, 7);
      for (const add of [false, true]) {
        for (const [i, t] of texts.entries()) {
          const want = arr(plain.encodeSync(t, { addSpecialTokens: add }));
          const got =
            i % 2 === 0
              ? cached.encodeSync(t, { addSpecialTokens: add })
              : await cached.encode(t, { addSpecialTokens: add });
          assert.deepEqual(arr(got), want, `${JSON.stringify(t)} add=${add}`);
        }
        const batch = await cached.encodeBatch(texts.slice(0, 50), { addSpecialTokens: add });
        batch.forEach((b, i) =>
          assert.deepEqual(
            arr(b),
            arr(plain.encodeSync(texts[i] as string, { addSpecialTokens: add })),
          ),
        );
      }
      const s = cached.cacheStats();
      assert.ok((s.l1?.safeBoundaries ?? 0) > 0, 'some special tokens are split points');
      assert.ok((s.l1?.hits ?? 0) > 0, 'L1 hit');
      assert.ok((s.l0?.hits ?? 0) > 0, 'L0 hit');
      assert.ok((s.l1?.bytes ?? Infinity) <= 64 * 1024, `L1 within budget: ${s.l1?.bytes}`);
      assert.ok((s.l0?.entries ?? Infinity) <= 32, 'L0 within its entry bound');
      assert.equal(s.l1?.seedSkips, 0);
    });

    test('a chat growing turn by turn matches the oracle', async () => {
      const oracle = await oracleFor(lenmlFile(name));
      const [open, close] = (PIECES[name] as string[]).slice(0, 2) as [string, string];
      let chat = '';
      for (let turn = 0; turn < 6; turn++) {
        chat += `${open}user\n hi ${turn}${close}\n${open}assistant\n\n  ok${close}`;
        for (const t of [chat, `${chat} `, `${chat}\n`, `${chat}Hello`]) {
          for (const add of [false, true]) {
            assert.deepEqual(
              arr(await cached.encode(t, { addSpecialTokens: add })),
              await oracle.encode(t, add),
              t,
            );
          }
        }
      }
    });
  });
}
