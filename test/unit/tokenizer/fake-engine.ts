import type { SpecialToken } from '../../../src/tokenizer/special-scanner';

/**
 * A small tokenizer with Hugging Face semantics, for cache tests that must not depend on
 * the addon: special tokens split the text first (leftmost-longest), each other segment is
 * encoded on its own by greedy longest match over a small vocabulary (so a split inside a
 * segment changes the ids), and the template adds BOS/EOS. Options make it as awkward as
 * real tokenizers can be.
 */
export interface FakeSpecial extends SpecialToken {
  /** Swallows the whitespace after it (HF rstrip). */
  readonly rstrip?: boolean;
  /** Matches only between non-word characters (HF single_word). */
  readonly singleWord?: boolean;
}

export interface FakeEngineOptions {
  readonly specials: readonly FakeSpecial[];
  readonly bos?: number;
  readonly eos?: number;
  /** Metaspace prepend_scheme "first": marker id 999 before a segment at text offset 0. */
  readonly prependFirst?: boolean;
}

const VOCAB = [
  'hello',
  'hell',
  'he',
  'lo',
  'world',
  'wor',
  'ld',
  ' the',
  ' ',
  '  ',
  '\n\n',
  'ab',
  'abc',
  'ca',
];
const WORD = /[A-Za-z0-9]/;

export interface FakeEngine {
  encode(text: string, add: boolean): Uint32Array;
  readonly specials: readonly SpecialToken[];
  /** Engine calls so far. */
  calls: number;
}

function encodeSegment(seg: string, out: number[]): void {
  let i = 0;
  while (i < seg.length) {
    let best = -1;
    let bestLen = 0;
    VOCAB.forEach((v, id) => {
      if (v.length > bestLen && seg.startsWith(v, i)) {
        best = id;
        bestLen = v.length;
      }
    });
    if (best >= 0) {
      out.push(100 + best);
      i += bestLen;
    } else {
      out.push(1000 + seg.charCodeAt(i));
      i++;
    }
  }
}

function matchSpecial(
  text: string,
  i: number,
  specials: readonly FakeSpecial[],
): FakeSpecial | undefined {
  let best: FakeSpecial | undefined;
  for (const s of specials) {
    if (!text.startsWith(s.content, i)) continue;
    if (s.singleWord) {
      const before = i > 0 ? text[i - 1] : '';
      const after = text[i + s.content.length] ?? '';
      if ((before && WORD.test(before)) || (after && WORD.test(after))) continue;
    }
    if (!best || s.content.length > best.content.length) best = s;
  }
  return best;
}

export function fakeEngine(opts: FakeEngineOptions): FakeEngine {
  const engine: FakeEngine = {
    specials: opts.specials.map(({ content, id }) => ({ content, id })),
    calls: 0,
    encode(text, add) {
      engine.calls++;
      const out: number[] = [];
      if (add && opts.bos !== undefined) out.push(opts.bos);
      let segStart = 0;
      let i = 0;
      const flush = (end: number): void => {
        if (end <= segStart) return;
        if (opts.prependFirst && segStart === 0) out.push(999);
        encodeSegment(text.slice(segStart, end), out);
      };
      while (i < text.length) {
        const s = matchSpecial(text, i, opts.specials);
        if (!s) {
          i++;
          continue;
        }
        flush(i);
        out.push(s.id);
        i += s.content.length;
        if (s.rstrip) while (i < text.length && /\s/.test(text[i] as string)) i++;
        segStart = i;
      }
      flush(text.length);
      if (add && opts.eos !== undefined) out.push(opts.eos);
      return Uint32Array.from(out);
    },
  };
  return engine;
}
