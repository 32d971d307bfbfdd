/**
 * Kimi-K3 XTML markup scanning, linear and whitespace-tolerant as SMG's regexes
 * (`<\|open\|>\s*WORD\s*<\|sep\|>`): markers, `call`/`argument` blocks and `k="v"` attributes.
 */
import { skipRustWhitespace } from './lazy-scan';

export const OPEN = '<|open|>';
export const CLOSE = '<|close|>';
export const SEP = '<|sep|>';

/** A matched marker's span. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Matches `HEAD\s*WORD\s*<|sep|>` at `i`: its end index, 'fail', or 'more' when `text` ends
 * before it can be decided (a streamed prefix of the marker).
 */
export function markerAt(
  text: string,
  i: number,
  head: string,
  word: string,
): number | 'fail' | 'more' {
  const rest = text.length - i;
  if (rest < head.length) return head.startsWith(text.slice(i)) ? 'more' : 'fail';
  if (!text.startsWith(head, i)) return 'fail';
  let p = skipRustWhitespace(text, i + head.length);
  if (p === text.length) return 'more';
  if (text.length - p < word.length) return word.startsWith(text.slice(p)) ? 'more' : 'fail';
  if (!text.startsWith(word, p)) return 'fail';
  p = skipRustWhitespace(text, p + word.length);
  if (p === text.length) return 'more';
  if (text.length - p < SEP.length) return SEP.startsWith(text.slice(p)) ? 'more' : 'fail';
  return text.startsWith(SEP, p) ? p + SEP.length : 'fail';
}

/** The first complete `HEAD\s*WORD\s*<|sep|>` at or after `from` (Rust `find_at`). */
export function findMarker(
  text: string,
  from: number,
  head: string,
  word: string,
): Span | undefined {
  for (let i = text.indexOf(head, from); i >= 0; i = text.indexOf(head, i + 1)) {
    const end = markerAt(text, i, head, word);
    if (typeof end === 'number') return { start: i, end };
  }
  return undefined;
}

/** `text` without any `HEAD\s*WORD\s*<|sep|>` (Rust `replace_all`). */
export function removeMarkers(text: string, head: string, word: string): string {
  let out = '';
  let pos = 0;
  for (
    let m = findMarker(text, 0, head, word);
    m !== undefined;
    m = findMarker(text, m.end, head, word)
  ) {
    out += text.slice(pos, m.start);
    pos = m.end;
  }
  return out + text.slice(pos);
}

/** One `<|open|>\s*WORD\s+ATTRS<|sep|>BODY<|close|>\s*WORD\s*<|sep|>` block. */
export interface XtmlBlock {
  readonly attrs: string;
  readonly body: string;
}

/**
 * Every complete block of `word` in `text` (`find_iter`: attributes run to the first `<|sep|>`,
 * the body to the first closing marker after it), and the index just past the last one.
 */
export function scanBlocks(text: string, word: string): { blocks: XtmlBlock[]; end: number } {
  const blocks: XtmlBlock[] = [];
  let pos = 0;
  let end = 0;
  for (let i = text.indexOf(OPEN, pos); i >= 0; i = text.indexOf(OPEN, pos)) {
    const w = skipRustWhitespace(text, i + OPEN.length);
    const a = skipRustWhitespace(text, w + word.length);
    if (!text.startsWith(word, w) || a === w + word.length) {
      pos = i + 1;
      continue;
    }
    const sep = text.indexOf(SEP, a);
    if (sep < 0) break;
    const close = findMarker(text, sep + SEP.length, CLOSE, word);
    if (close === undefined) break;
    blocks.push({ attrs: text.slice(a, sep), body: text.slice(sep + SEP.length, close.start) });
    pos = close.end;
    end = close.end;
  }
  return { blocks, end };
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;

/** The start of the run of Unicode word characters that ends at `end` (not before `floor`). */
function wordRunStart(s: string, floor: number, end: number): number {
  let k = end;
  while (k > floor) {
    const lo = s.charCodeAt(k - 1);
    const pair = lo >= 0xdc00 && lo <= 0xdfff && k - 2 >= floor;
    const cp = pair ? (s.codePointAt(k - 2) ?? lo) : lo;
    if (!WORD_CHAR.test(String.fromCodePoint(cp))) break;
    k -= cp > 0xffff ? 2 : 1;
  }
  return k;
}

/** `(\w+)="([^"]*)"` pairs (later keys win), values unescaped (`&quot;` then `&amp;`). */
export function xtmlAttrs(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  for (;;) {
    const q = s.indexOf('="', pos);
    if (q < 0) break;
    const k = wordRunStart(s, pos, q);
    if (k === q) {
      pos = q + 1;
      continue;
    }
    const v = s.indexOf('"', q + 2);
    if (v < 0) break;
    out.set(
      s.slice(k, q),
      s
        .slice(q + 2, v)
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&'),
    );
    pos = v + 1;
  }
  return out;
}
