import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTokenizerPool,
  loadTokenizer,
  measureCrossover,
  type Tokenizer,
  type TokenizerPool,
} from '../../../src/tokenizer';
import { lenmlFile, oracleFor, TEXTS, writeTinyTiktoken } from './native-fixtures';

const arr = (a: Uint32Array): number[] => Array.from(a);

let pool: TokenizerPool;
before(() => {
  pool = createTokenizerPool({ threads: 2 });
});
after(() => pool.close());

for (const name of ['llama3_1', 'qwen3', 'llama2'] as const) {
  describe(`${name}: against the oracle`, () => {
    let tok: Tokenizer;
    let oracle: Awaited<ReturnType<typeof oracleFor>>;
    before(async () => {
      tok = await loadTokenizer(lenmlFile(name), { pool });
      oracle = await oracleFor(lenmlFile(name));
    });
    after(() => tok.close());

    test('encodeSync / encode (inline and pool) / encodeBatch, with and without special tokens', async () => {
      const long = TEXTS.join(' ').repeat(40);
      for (const add of [false, true]) {
        const texts = [...TEXTS, long];
        const expected = await Promise.all(texts.map((t) => oracle.encode(t, add)));
        const batch = await tok.encodeBatch(texts, { addSpecialTokens: add });
        for (const [i, t] of texts.entries()) {
          const want = expected[i];
          assert.deepEqual(
            arr(tok.encodeSync(t, { addSpecialTokens: add })),
            want,
            `sync ${JSON.stringify(t)}`,
          );
          assert.deepEqual(
            arr(await tok.encode(t, { addSpecialTokens: add })),
            want,
            `async ${JSON.stringify(t)}`,
          );
          assert.deepEqual(arr(batch[i] as Uint32Array), want, `batch ${JSON.stringify(t)}`);
        }
      }
    });

    test('decode / decodeAsync match the oracle; skipSpecialTokens', async () => {
      for (const t of TEXTS) {
        const ids = await oracle.encode(t, true);
        for (const skip of [false, true]) {
          const want = await oracle.decode(ids, skip);
          assert.equal(tok.decode(ids, { skipSpecialTokens: skip }), want);
          assert.equal(
            await tok.decodeAsync(Uint32Array.from(ids), { skipSpecialTokens: skip }),
            want,
          );
        }
      }
    });

    test('ids outside the vocabulary are RangeErrors naming the position', () => {
      assert.throws(
        () => tok.decode([1, tok.vocabSize]),
        /ids\[1\]: token id \d+ is out of range \(vocab size \d+\)/,
      );
      assert.throws(() => tok.decode([-1]), RangeError);
      assert.throws(() => tok.decode([1.5]), RangeError);
      assert.throws(() => tok.decode(Uint32Array.of(tok.vocabSize + 5)), RangeError);
      assert.throws(() => tok.encodeSync(5 as unknown as string), TypeError);
    });
  });
}

describe('pool dispatch', () => {
  let tok: Tokenizer;
  before(async () => {
    tok = await loadTokenizer(lenmlFile('llama3_1'), {
      pool,
      inlineThreshold: 0,
      decodeInlineThreshold: 0,
    });
  });
  after(() => tok.close());

  test('everything on the pool gives what inline gives', async () => {
    for (const t of TEXTS) {
      const inline = tok.encodeSync(t);
      assert.deepEqual(arr(await tok.encode(t)), arr(inline));
      assert.equal(await tok.decodeAsync(inline), tok.decode(inline));
    }
  });

  test('a large batch is split across threads and keeps its order', async () => {
    const texts = Array.from({ length: 300 }, (_, i) =>
      `${i}: ${TEXTS[i % TEXTS.length] as string}`.repeat(1 + (i % 7)),
    );
    const got = await tok.encodeBatch(texts, { addSpecialTokens: false });
    assert.equal(got.length, texts.length);
    texts.forEach((t, i) =>
      assert.deepEqual(
        arr(got[i] as Uint32Array),
        arr(tok.encodeSync(t, { addSpecialTokens: false })),
      ),
    );
    assert.deepEqual(await tok.encodeBatch([]), []);
  });

  test('dispatch forces inline or pool; measureCrossover reports a threshold', async () => {
    const short = 'short text';
    const long = 'long text '.repeat(1000);
    assert.deepEqual(
      arr(await tok.encode(short, { dispatch: 'pool' })),
      arr(tok.encodeSync(short)),
    );
    assert.deepEqual(
      arr(await tok.encode(long, { dispatch: 'inline' })),
      arr(tok.encodeSync(long)),
    );
    const m = await measureCrossover(tok, { lengths: [16, 256], reps: 5 });
    assert.deepEqual(
      m.rows.map((r) => r.length),
      [16, 256],
    );
    assert.ok(
      m.roundTripUs > 0 && m.callerUs >= 0 && m.rows.every((r) => r.inlineUs > 0 && r.poolUs > 0),
    );
    assert.ok([0, 16, 256].includes(m.threshold));
  });

  test('close() waits for running pool tasks, then every method throws', async () => {
    const t2 = await loadTokenizer(lenmlFile('llama2'), { pool, inlineThreshold: 0 });
    const running = Promise.all(Array.from({ length: 20 }, () => t2.encode('x '.repeat(20_000))));
    const closed = t2.close();
    const results = await running;
    await closed;
    assert.ok(results.every((r) => r.length > 0));
    assert.throws(() => t2.encodeSync('a'), /closed/);
    await assert.rejects(t2.encode('a'), /closed/);
    assert.throws(() => t2.decode([1]), /closed/);
    await t2.close(); // idempotent
  });
});

describe('details', () => {
  let tok: Tokenizer;
  before(async () => {
    tok = await loadTokenizer(lenmlFile('llama3_1'), { pool });
  });
  after(() => tok.close());

  test('incremental decoding gives the same text as one decode, holding back split characters', () => {
    const text = 'naïve café 東京 😀👍🏽 end<|eot_id|>';
    const ids = tok.encodeSync(text, { addSpecialTokens: false });
    for (const skip of [false, true]) {
      const s = tok.createDecodeStream({ skipSpecialTokens: skip });
      let out = '';
      for (const id of ids) {
        const piece = s.step(id);
        assert.ok(!piece.includes('\uFFFD'), 'no half characters');
        out += piece;
      }
      out += s.flush();
      assert.equal(out, tok.decode(ids, { skipSpecialTokens: skip }));
    }
    const s = tok.createDecodeStream();
    assert.throws(() => s.step(tok.vocabSize), RangeError);
  });

  test('lone surrogates do not crash and encode like U+FFFD', async () => {
    for (const t of ['a\uD800b', '\uDC00', 'x\uD83D']) {
      const fixed = t.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
      assert.deepEqual(arr(tok.encodeSync(t)), arr(tok.encodeSync(fixed)));
      assert.deepEqual(
        arr(await tok.encode(t.repeat(2000))),
        arr(tok.encodeSync(fixed.repeat(2000))),
      );
    }
  });

  test('info, vocabSize, token ↔ id', () => {
    assert.equal(tok.vocabSize, 128256);
    assert.equal(tok.info.kind, 'hf');
    assert.equal(tok.info.file, lenmlFile('llama3_1'));
    assert.ok(tok.info.specialTokens.some((t) => t.content === '<|eot_id|>' && t.id === 128009));
    assert.equal(tok.tokenToId('<|eot_id|>'), 128009);
    assert.equal(tok.idToToken(128009), '<|eot_id|>');
  });
});

describe('sources that load for real', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tok-load-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('a directory holding tokenizer.json; a directory holding one *.tiktoken', async () => {
    const fromDir = await loadTokenizer(path.dirname(lenmlFile('llama2')), { pool });
    assert.equal(fromDir.vocabSize, 32000);
    await fromDir.close();
    const dir = path.join(tmp, 'tt');
    writeTinyTiktoken(dir);
    const tt = await loadTokenizer(dir, { pool });
    assert.equal(tt.info.kind, 'tiktoken');
    assert.equal(
      tt.decode(tt.encodeSync('hello world', { addSpecialTokens: false })),
      'hello world',
    );
    await tt.close();
  });

  test('a corrupt tokenizer.json is rejected with the parse problem and nothing leaks', async () => {
    const bad = path.join(tmp, 'bad', 'tokenizer.json');
    fs.mkdirSync(path.dirname(bad));
    fs.writeFileSync(bad, '{"model": {"type": "BPE", "vocab": {"a": ');
    await assert.rejects(
      loadTokenizer(bad, { pool }),
      (err: unknown) => err instanceof Error && err.message.length > 0,
    );
  });
});
