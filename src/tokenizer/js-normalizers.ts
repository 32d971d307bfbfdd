import { loadNative } from '../native';
import { UNASSIGNED_IN_UNICODE_9 } from './unicode9-unassigned';
import { BERT_UNICODE_EXCEPTIONS } from './bert-unicode-exceptions';

/**
 * Normalizers and the BERT pre-tokenizer as HF's Rust `tokenizers` runs them, for the JS
 * fallback engine: @huggingface/tokenizers uses the JS engine's (newer) Unicode tables, walks
 * UTF-16 units where Rust walks characters, and orders BertNormalizer's steps differently.
 * Unicode data comes from collie's C++ tables (pinned like HF's: normalization at Unicode 9.0).
 */
interface UnicodeAddon {
  tokenizerNormalize(form: 'NFC' | 'NFKC' | 'NFD' | 'NFKD', text: string): string;
  tokenizerGeneralCategory(codePoints: Uint32Array): Uint8Array;
}

/** collie::tok::Gc values (native/core/tokenizer unicode tables), in order. */
const GC = [
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

let tables: { cat: Uint8Array; new9: Uint8Array; addon: UnicodeAddon } | undefined;
function unicode(): { cat: Uint8Array; new9: Uint8Array; addon: UnicodeAddon } {
  if (tables) return tables;
  const addon = loadNative() as unknown as UnicodeAddon;
  const all = new Uint32Array(0x110000);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const new9 = new Uint8Array(0x110000);
  for (let i = 0; i + 1 < UNASSIGNED_IN_UNICODE_9.length; i += 2)
    new9.fill(1, UNASSIGNED_IN_UNICODE_9[i], (UNASSIGNED_IN_UNICODE_9[i + 1] as number) + 1);
  tables = { cat: addon.tokenizerGeneralCategory(all), new9, addon };
  return tables;
}

const idx = (name: (typeof GC)[number]): number => GC.indexOf(name);
/** Control-like for clean_text: Cc, Cf, Cs, Co (HF keeps unassigned code points). */
const OTHER = new Set(['Cc', 'Cf', 'Cs', 'Co'].map((n) => idx(n as (typeof GC)[number])));
const MN = new Set([idx('Mn')]);
const PUNCT = new Set(
  ['Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po'].map((n) => idx(n as (typeof GC)[number])),
);

/**
 * General-category test as HF's BertNormalizer/BertPreTokenizer see it: its category crate
 * knows Unicode 9.0, so a later character is in no category (not Mn, not punctuation); and
 * its "other" test never counts unassigned code points (see OTHER).
 */
function cat9(cp: number, set: ReadonlySet<number>): boolean {
  const u = unicode();
  return !u.new9[cp] && set.has(u.cat[cp] as number);
}

/** Rust's char::is_whitespace (the White_Space property). */
export function isRustWhitespace(cp: number): boolean {
  return (
    (cp >= 9 && cp <= 13) ||
    cp === 32 ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

type ClassName = keyof typeof BERT_UNICODE_EXCEPTIONS;
const exceptions = (name: ClassName): [ReadonlySet<number>, ReadonlySet<number>] => [
  new Set<number>(BERT_UNICODE_EXCEPTIONS[name][0]),
  new Set<number>(BERT_UNICODE_EXCEPTIONS[name][1]),
];
const EXC = {
  punct: exceptions('punct'),
  mark: exceptions('mark'),
  control: exceptions('control'),
};

function withExceptions(name: ClassName, cp: number, base: boolean, raw: boolean): boolean {
  if (raw) return base;
  const [added, removed] = EXC[name];
  return added.has(cp) || (base && !removed.has(cp));
}

function isControl(cp: number, raw = false): boolean {
  const base = cp !== 9 && cp !== 10 && cp !== 13 && cat9(cp, OTHER);
  return withExceptions('control', cp, base, raw);
}

function isMark(cp: number, raw = false): boolean {
  return withExceptions('mark', cp, cat9(cp, MN), raw);
}

function isPunct(cp: number, raw = false): boolean {
  const base =
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126) ||
    cat9(cp, PUNCT);
  return withExceptions('punct', cp, base, raw);
}

/** The classes of `cp` by collie's rules without the exception table (scripts/make-bert-unicode-exceptions.js). */
export function bertClasses(cp: number): {
  punct: boolean;
  control: boolean;
  mark: boolean;
  decomposesToItself: boolean;
} {
  const c = String.fromCodePoint(cp);
  return {
    punct: isPunct(cp, true),
    control: isControl(cp, true),
    mark: isMark(cp, true),
    decomposesToItself: unicode().addon.tokenizerNormalize('NFD', c) === c,
  };
}

export interface BertNormalizerConfig {
  readonly clean_text?: boolean;
  readonly handle_chinese_chars?: boolean;
  readonly strip_accents?: boolean | null;
  readonly lowercase?: boolean;
}

/** HF's BertNormalizer: clean text, space CJK, strip accents, lowercase — in that order. */
export function bertNormalizer(c: BertNormalizerConfig): (text: string) => string {
  const clean = c.clean_text ?? true;
  const chinese = c.handle_chinese_chars ?? true;
  const lower = c.lowercase ?? true;
  const strip = c.strip_accents ?? lower;
  return (text) => {
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      if (clean) {
        if (cp === 0 || cp === 0xfffd) continue;
        if (isControl(cp)) continue;
        if (cp === 9 || cp === 10 || cp === 13 || isRustWhitespace(cp)) {
          out += ' ';
          continue;
        }
      }
      out += chinese && isChinese(cp) ? ` ${ch} ` : ch;
    }
    if (strip) {
      let s = '';
      for (const ch of unicode().addon.tokenizerNormalize('NFD', out)) {
        if (!isMark(ch.codePointAt(0) as number)) s += ch;
      }
      out = s;
    }
    if (lower) {
      let s = '';
      for (const ch of out) s += ch.toLowerCase();
      out = s;
    }
    return out;
  };
}

/** NFC/NFKC/NFD/NFKD at HF's Unicode version. */
export function unicodeNormalizer(form: 'NFC' | 'NFKC' | 'NFD' | 'NFKD'): (text: string) => string {
  return (text) => unicode().addon.tokenizerNormalize(form, text);
}

/** HF's BertPreTokenizer: split on whitespace (dropped) and around each punctuation char. */
export function bertPreTokenize(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (isRustWhitespace(cp)) {
      if (word) out.push(word);
      word = '';
    } else if (isPunct(cp)) {
      if (word) out.push(word);
      out.push(ch);
      word = '';
    } else word += ch;
  }
  if (word) out.push(word);
  return out;
}
