/** The Unicode normalizer (NFC/NFKC/NFD/NFKD, pinned to Unicode 9.0 as HF tokenizers). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { randInt, seededRng } from '../../../src/util/rng';
import {
  root,
  type NormForm,
  native,
  untypedCall,
  GC_NAMES,
  CN,
  CS,
  categories,
  pick,
  POOLS,
} from './tokenizer-unicode-fixtures';

void describe('tokenizerNormalize', () => {
  const FORMS: readonly NormForm[] = ['NFC', 'NFKC', 'NFD', 'NFKD'];
  // Normalization follows HF's normalizer crate, Unicode 9.0: later code points are plain
  // starters there (V8 is newer), so the comparison uses BMP + SMP code points assigned in 9.0
  // (no surrogates, no private use).
  const unassigned9 = JSON.parse(
    fs.readFileSync(path.join(root, 'test', 'fixtures', 'unicode-9.0-unassigned.json'), 'utf8'),
  ) as Array<[number, number]>;
  const new9 = new Uint8Array(0x110000);
  for (const [first, last] of unassigned9) new9.fill(1, first, last + 1);
  const assigned: number[] = [];
  for (let cp = 0; cp < 0x20000; cp++) {
    const g = categories[cp];
    if (g !== CN && g !== CS && g !== GC_NAMES.indexOf('Co') && !new9[cp]) assigned.push(cp);
  }

  void test('characters newer than Unicode 9.0 are plain starters, as in HF tokenizers', () => {
    // U+1DF7 (10.0, ccc 230) neither reorders nor blocks composition differently than a starter
    assert.equal(native.tokenizerNormalize('NFC', 'a\u1df7\u0301'), 'a\u1df7\u0301');
    assert.equal(native.tokenizerNormalize('NFC', 'a\u0301\u1df7'), '\u00e1\u1df7');
    assert.equal(native.tokenizerNormalize('NFD', 'x\u1df6\u0301'), 'x\u1df6\u0301');
  });

  void test('matches String.prototype.normalize over all assigned BMP+SMP code points', () => {
    for (const form of FORMS) {
      let mismatches = 0;
      for (let i = 0; i < assigned.length; i += 512) {
        const chunk = assigned.slice(i, i + 512);
        // Each code point alone (separated by a space), then the run as one sequence.
        const spaced = chunk.map((c) => String.fromCodePoint(c)).join(' ');
        const joined = chunk.map((c) => String.fromCodePoint(c)).join('');
        for (const s of [spaced, joined]) {
          if (native.tokenizerNormalize(form, s) !== s.normalize(form)) mismatches++;
        }
      }
      assert.equal(mismatches, 0, `${form}: ${mismatches} chunks differ`);
    }
  });

  void test('matches String.prototype.normalize on random mark-heavy sequences', () => {
    const rng = seededRng(15);
    const bases = [
      ...'aeiouAEIOUnNcCsSzZ',
      'ᄀ',
      '가',
      '한',
      'ᅡ',
      'ᆨ',
      'ω',
      'ι',
      'α',
      'क',
      'ଇ',
      'େ',
      'ା',
    ];
    const marks = POOLS.marks.filter((cp) => !new9[cp]); // HF normalizes with Unicode 9.0
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = 1 + randInt(rng, 12);
      for (let k = 0; k < n; k++) {
        const r = rng();
        if (r < 0.4) s += pick(rng, bases);
        else if (r < 0.8) s += String.fromCodePoint(pick(rng, marks));
        else s += String.fromCodePoint(pick(rng, assigned));
      }
      for (const form of FORMS) {
        assert.equal(
          native.tokenizerNormalize(form, s),
          s.normalize(form),
          `${form} ${JSON.stringify(s)}`,
        );
      }
    }
  });

  void test('ASCII and already-normalized text round-trip; bad form is a TypeError', () => {
    const text = 'Hello, world! 你好，世界。 日本語のテキスト 한국어 Ünïcödé';
    assert.equal(native.tokenizerNormalize('NFC', text), text);
    assert.equal(native.tokenizerNormalize('NFKC', 'ｶﾞ①ﬃ'), 'ガ1ffi');
    const call = (...args: unknown[]): unknown => untypedCall('tokenizerNormalize', args);
    assert.throws(() => call('NFX', 'a'), TypeError);
    assert.throws(() => call('NFC', 1), TypeError);
  });
});
