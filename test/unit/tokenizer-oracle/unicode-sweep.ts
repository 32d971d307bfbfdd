/**
 * Texts that sweep the Unicode repertoire, so that a difference in Unicode version between the
 * engine's tables and the oracle's shows up (a character the oracle knows as a letter, number,
 * mark or punctuation that the engine still treats as unassigned, or the reverse; a combining
 * class or composition one side lacks). The repertoire comes from V8's ICU (`\p{…}` with the
 * u flag), which is at least as new as the oracles' tables.
 */

/** One probe text: `where` names its first code point. */
export interface SweepText {
  readonly where: string;
  readonly text: string;
}

const UNASSIGNED = /^[\p{Cn}\p{Cs}\p{Co}]$/u;
const MARK = /^\p{M}$/u;
const BLOCK = 32;

/**
 * Large runs of same-class letters (CJK ideographs, Hangul syllables, Tangut, Yi): every 7th
 * code point is enough to notice a run the other side does not know, the rest adds time only.
 */
// prettier-ignore
const HOMOGENEOUS: readonly (readonly [number, number])[] = [
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa48f], [0xac00, 0xd7a3], [0x17000, 0x18aff],
  [0x18d00, 0x18d7f], [0x1b170, 0x1b2ff], [0x20000, 0x323af],
];

function sampled(c: number): boolean {
  for (const [lo, hi] of HOMOGENEOUS) {
    if (c >= lo && c <= hi) return c - lo < 64 || hi - c < 64 || (c - lo) % 7 === 0;
  }
  return true;
}

/** Hex code point, as `U+1C89`. */
export function uplus(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Every assigned code point (sampled in the homogeneous runs above) between a letter, a digit,
 * an apostrophe contraction and a space, in blocks of 32: a class difference moves a split.
 */
export function classSweep(): SweepText[] {
  const out: SweepText[] = [];
  let text = '';
  let first = -1;
  for (let c = 0; c <= 0x10ffff; c++) {
    const ch = String.fromCodePoint(c);
    if (UNASSIGNED.test(ch) || !sampled(c)) continue;
    if (first < 0) first = c;
    text += `${ch}'s${ch}1 a${ch}`;
    if (c - first >= BLOCK) {
      out.push({ where: `code points from ${uplus(first)}`, text });
      text = '';
      first = -1;
    }
  }
  if (text) out.push({ where: `code points from ${uplus(first)}`, text });
  return out;
}

/**
 * Every combining mark after a base, before and after marks of other combining classes
 * (canonical reordering, blocked and unblocked composition), and every character with a
 * canonical decomposition both precomposed and decomposed (NFC maps the second to the first).
 */
export function normalizationSweep(): SweepText[] {
  const out: SweepText[] = [];
  let text = '';
  let first = -1;
  const flush = (): void => {
    out.push({ where: `normalization from ${uplus(first)}`, text });
    text = '';
    first = -1;
  };
  for (let c = 0; c <= 0x10ffff; c++) {
    const ch = String.fromCodePoint(c);
    if (UNASSIGNED.test(ch)) continue;
    const nfd = ch.normalize('NFD');
    const mark = MARK.test(ch);
    if (!mark && nfd === ch) continue;
    if (first < 0) first = c;
    if (mark) text += ` a${ch}\u0301 e\u0301${ch} o${ch}\u0323 A\u0323${ch}\u0307 ${ch}`;
    if (nfd !== ch) text += ` ${ch} ${nfd} x${nfd}\u0301`;
    if (text.length > 600) flush();
  }
  if (text) flush();
  return out;
}
