import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { seededRng } from '../../../src/util/rng';
import {
  root,
  native,
  untypedCall,
  CN,
  CS,
  tiktokenPattern,
  PATTERNS,
  GPT2_PATTERN,
  nativeMatches,
  jsMatches,
  oracle,
  categories,
  stableByCategory,
  randomText,
  dsMain,
} from './tokenizer-unicode-fixtures';

void describe('tokenizer regex/unicode: C++ tests', () => {
  void test('build/Release/tokenizer_test unicode regex passes', () => {
    const bin = path.join(root, 'build', 'Release', 'tokenizer_test');
    const r = spawnSync(bin, ['unicode', 'regex'], {
      encoding: 'utf8',
      env: { ...process.env, COLLIE_TOK_FIXTURES: root },
    });
    assert.equal(r.error, undefined, `cannot run ${bin}: ${String(r.error)}`);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /\d+ tests, 0 failed checks/);
  });
});

void describe('tokenizerRegexFindAll', () => {
  void test('UTF-16 offsets, argument and compile errors', () => {
    assert.deepEqual(
      [...native.tokenizerRegexFindAll('\\p{L}+', 'a😀bc 中文')],
      [0, 1, 3, 5, 6, 8],
    );
    assert.deepEqual([...native.tokenizerRegexFindAll('x*', 'ab')], [0, 0, 1, 1, 2, 2]);
    assert.deepEqual([...native.tokenizerRegexFindAll('x', '')], []);
    const typeError = (fn: () => unknown): void => {
      assert.throws(
        fn,
        (e: unknown) => e instanceof TypeError && /tokenizerRegexFindAll/.test(e.message),
      );
    };
    const call = (...args: unknown[]): unknown => untypedCall('tokenizerRegexFindAll', args);
    typeError(() => call());
    typeError(() => call('a'));
    typeError(() => call(1, 'a'));
    typeError(() => call('a', null));
    assert.throws(
      () => native.tokenizerRegexFindAll('ab(?<=x)', 'abc'),
      (e: unknown) =>
        e instanceof Error &&
        !(e instanceof TypeError) &&
        /unsupported regex construct '\(\?<= \(lookbehind\)' at offset 2/.test(e.message),
    );
    assert.throws(
      () => native.tokenizerRegexFindAll('\\bx', 'x'),
      /unsupported regex construct '\\b' at offset 0/,
    );
    assert.throws(() => native.tokenizerRegexFindAll('(a', 'x'), /unmatched parenthesis/);
  });

  void test('every pre-tokenizer pattern compiles (CR/LF inside classes as real characters too)', () => {
    assert.ok(dsMain.includes('\r\n'), 'DeepSeek V3 tokenizer.json has raw CR/LF in its classes');
    for (const p of PATTERNS) {
      assert.ok(p.onig.length > 0, p.name);
      assert.doesNotThrow(() => native.tokenizerRegexFindAll(p.onig, 'x'), p.name);
    }
    assert.equal(tiktokenPattern('p50k_base'), GPT2_PATTERN);
    assert.equal(tiktokenPattern('r50k_base'), GPT2_PATTERN);
  });

  void test('case-insensitive contractions fold like Oniguruma', () => {
    const llama = PATTERNS[0]?.onig ?? '';
    assert.deepEqual(nativeMatches(llama, "x'ſa x'Sa x'LLa'Dx"), [
      'x',
      "'ſ",
      'a',
      ' x',
      "'S",
      'a',
      ' x',
      "'LL",
      'a',
      "'D",
      'x',
    ]);
  });

  for (const p of PATTERNS) {
    void test(`differential vs V8 RegExp and Oniguruma (tokenizers): ${p.name}`, () => {
      const rng = seededRng(0xc011e + p.name.length * 7919);
      const re = new RegExp(p.js, 'gu');
      const onig = oracle(p.onig);
      let checked = 0;
      for (let i = 0; i < 3000; i++) {
        const text = randomText(rng);
        const got = nativeMatches(p.onig, text);
        assert.deepEqual(got, jsMatches(re, text), `V8 mismatch on ${JSON.stringify(text)}`);
        assert.deepEqual(got, onig(text), `Oniguruma mismatch on ${JSON.stringify(text)}`);
        checked++;
      }
      assert.equal(checked, 3000);
    });
  }

  void test('general categories agree with V8 for Unicode 16 assigned code points (but a few)', () => {
    let assigned = 0;
    let stable = 0;
    for (let cp = 0; cp < 0x110000; cp++) {
      const g = categories[cp];
      if (g !== CN && g !== CS) assigned++;
    }
    for (const list of stableByCategory) stable += list.length;
    // Unicode 16.0: 292,531 code points assigned (graphic, format, control, private use).
    assert.equal(assigned, 292531);
    assert.ok(assigned - stable < 20, `${assigned - stable} code points changed category`);
  });
});
