/**
 * Linear-time stand-ins for the lazy regexes SMG's parsers use (`A(.*?)B`, `A(.*?)B\s*C(.*?)D`).
 * A backtracking regex retries every start position and can go quadratic on unterminated
 * markup; these finders only move forward, so a whole scan costs O(text length).
 */
import { isRustWhitespaceCode } from './text';

/** Finds `marker` at or after a position; positions asked for must not decrease. */
export class ForwardFinder {
  private from = -1;
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly marker: string,
  ) {}

  /** First index ≥ pos where the marker starts, or -1. */
  next(pos: number): number {
    if (this.from >= 0 && pos >= this.from && (this.found < 0 || this.found >= pos))
      return this.found;
    this.from = pos;
    this.found = this.text.indexOf(this.marker, pos);
    return this.found;
  }
}

/** Index just past a run of Rust (Unicode) whitespace starting at `pos`. */
export function skipRustWhitespace(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && isRustWhitespaceCode(text.charCodeAt(i))) i++;
  return i;
}

/** One `open…mid…` pair found by scanPairs. */
export interface LazyPair {
  readonly key: string;
  readonly value: string;
}

/**
 * Every match of `open(.*?)close\s*valueOpen(.*?)valueClose` in `text` (Rust regex `find_iter`
 * semantics, `(?s)`): the key runs to the first `close` that is followed by optional whitespace
 * and `valueOpen`; the value runs to the first `valueClose` after that.
 */
export function scanPairs(
  text: string,
  open: string,
  close: string,
  valueOpen: string,
  valueClose: string,
): LazyPair[] {
  const pairs: LazyPair[] = [];
  const opens = new ForwardFinder(text, open);
  const closes = new ForwardFinder(text, close);
  const valueCloses = new ForwardFinder(text, valueClose);
  let passing = -1; // last close index known to be followed by \s* valueOpen
  let scanned = 0; // closes before this index were checked and failed (or are `passing`)
  const firstPassingClose = (from: number): number => {
    if (passing >= from) return passing;
    let p = Math.max(from, scanned);
    for (;;) {
      const j = closes.next(p);
      if (j < 0) {
        scanned = text.length;
        return -1;
      }
      if (text.startsWith(valueOpen, skipRustWhitespace(text, j + close.length))) {
        passing = j;
        scanned = j;
        return j;
      }
      p = j + 1;
      scanned = p;
    }
  };
  let pos = 0;
  for (;;) {
    const i = opens.next(pos);
    if (i < 0) break;
    const keyStart = i + open.length;
    const j = firstPassingClose(keyStart);
    if (j < 0) break;
    const valueStart = skipRustWhitespace(text, j + close.length) + valueOpen.length;
    const k = valueCloses.next(valueStart);
    if (k < 0) break;
    pairs.push({ key: text.slice(keyStart, j), value: text.slice(valueStart, k) });
    pos = k + valueClose.length;
  }
  return pairs;
}

/**
 * Every match of `open(.*?)close` in `text` (`find_iter`, `(?s)`), as the text between the
 * markers, with the index where each match starts.
 */
export function scanBlocks(
  text: string,
  open: string,
  close: string,
): { start: number; body: string }[] {
  const out: { start: number; body: string }[] = [];
  let pos = 0;
  for (;;) {
    const i = text.indexOf(open, pos);
    if (i < 0) break;
    const j = text.indexOf(close, i + open.length);
    if (j < 0) break;
    out.push({ start: i, body: text.slice(i + open.length, j) });
    pos = j + close.length;
  }
  return out;
}

/** What a tag header matcher found: where the body starts and the captured attribute values. */
export interface TagHeader {
  readonly end: number;
  readonly attrs: readonly string[];
}

/** One `<tag …>body</tag>` match found by scanTags. */
export interface TagMatch {
  readonly start: number;
  readonly attrs: readonly string[];
  readonly body: string;
}

/**
 * Every match of `open HEADER (.*?) close` (or `(.+?)` when `minBody` is 1) in `text`, with
 * Rust `find_iter` semantics: a start whose header does not match is skipped and the search goes
 * on from the next `open`; a body runs to the first `close` at least `minBody` characters on.
 */
export function scanTags(
  text: string,
  open: string,
  header: (text: string, pos: number) => TagHeader | undefined,
  close: string,
  minBody: 0 | 1 = 0,
): TagMatch[] {
  const out: TagMatch[] = [];
  const closes = new ForwardFinder(text, close);
  let pos = 0;
  for (;;) {
    const i = text.indexOf(open, pos);
    if (i < 0) break;
    const h = header(text, i + open.length);
    if (h === undefined) {
      pos = i + 1;
      continue;
    }
    const k = closes.next(Math.min(h.end + minBody, text.length));
    if (k < 0 || k < h.end + minBody) break;
    out.push({ start: i, attrs: h.attrs, body: text.slice(h.end, k) });
    pos = k + close.length;
  }
  return out;
}

/**
 * Matches `[\s]{min,}name="([^"]+)"` at `pos` (Rust `\s`); returns the index after the closing
 * quote and the captured value, or undefined.
 */
export function quotedAttribute(
  text: string,
  pos: number,
  attr: string,
  minSpace: 0 | 1,
  allowEmpty = false,
): { end: number; value: string } | undefined {
  const p = skipRustWhitespace(text, pos);
  if (p - pos < minSpace || !text.startsWith(`${attr}="`, p)) return undefined;
  const vStart = p + attr.length + 2;
  const q = text.indexOf('"', vStart);
  if (q < 0 || (q === vStart && !allowEmpty)) return undefined;
  return { end: q + 1, value: text.slice(vStart, q) };
}

/**
 * The earliest of several markers in a buffer the caller keeps consuming from the front and
 * appending to, without rescanning: each marker remembers its next occurrence (or how far it is
 * known to be absent) in absolute offsets, so a whole stream costs O(length × markers) however
 * often it asks. `base` is the absolute offset of `text[0]` (characters already consumed).
 */
export class EarliestMarker {
  private readonly found: number[];
  private readonly absentBefore: number[];

  constructor(private readonly markers: readonly string[]) {
    this.found = markers.map(() => -1);
    this.absentBefore = markers.map(() => 0);
  }

  find(text: string, base: number, from = 0): { index: number; marker: string } | undefined {
    const absFrom = base + from;
    let best: { index: number; marker: string } | undefined;
    this.markers.forEach((m, k) => {
      let at = this.found[k] ?? -1;
      if (at < absFrom) {
        const start = Math.max(absFrom, this.absentBefore[k] ?? 0) - base;
        const local = text.indexOf(m, start);
        at = local < 0 ? -1 : local + base;
        this.found[k] = at;
        if (local < 0) this.absentBefore[k] = Math.max(absFrom, base + text.length - m.length + 1);
      }
      if (at >= 0 && (best === undefined || at - base < best.index))
        best = { index: at - base, marker: m };
    });
    return best;
  }
}
