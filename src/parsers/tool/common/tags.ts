/**
 * Linear-time equivalents of SMG's lazy tag regexes (`OPEN attrs (.*?) CLOSE`, iterated): the
 * literal opening is found with indexOf, its attributes with a sticky regex at that spot, and the
 * content runs to the first CLOSE after it. When a head has no CLOSE after it, no later head can
 * have one, so iteration stops — the same matches Rust's regex finds, without JS backtracking
 * turning a long unterminated input into quadratic work.
 */

export interface TaggedSpan {
  /** Sticky `attrs` match (captures) right after the opening literal; undefined without attrs. */
  readonly attrs: RegExpExecArray | undefined;
  /** Text between the head and the closing literal. */
  readonly content: string;
  /** Index of the opening literal. */
  readonly start: number;
  /** Index just past the closing literal. */
  readonly end: number;
}

/** `attrs` must be sticky (`y` flag); it is matched right after `open`. */
function headAt(
  text: string,
  at: number,
  open: string,
  attrs: RegExp | undefined,
): RegExpExecArray | null | undefined {
  if (attrs === undefined) return undefined;
  attrs.lastIndex = at + open.length;
  return attrs.exec(text);
}

/**
 * The first head (`open` + `attrs`) at or after `from`, without looking for a close.
 * `terminator`: a string every `attrs` match must contain (e.g. `>` for `([^>]+)>`); once it no
 * longer occurs after a head, no later head can match either, so the search stops instead of
 * letting each remaining head's regex scan to the end (quadratic on hostile input).
 */
export function findHead(
  text: string,
  open: string,
  attrs: RegExp | undefined,
  from = 0,
  terminator?: string,
):
  | {
      readonly start: number;
      readonly attrs: RegExpExecArray | undefined;
      readonly headEnd: number;
    }
  | undefined {
  let lastTerminator = -1;
  for (let p = text.indexOf(open, from); p >= 0; p = text.indexOf(open, p + 1)) {
    if (terminator !== undefined && lastTerminator < p + open.length) {
      lastTerminator = text.indexOf(terminator, p + open.length);
      if (lastTerminator < 0) return undefined;
    }
    const m = headAt(text, p, open, attrs);
    if (m === null) continue;
    return {
      start: p,
      attrs: m,
      headEnd: m === undefined ? p + open.length : m.index + m[0].length,
    };
  }
  return undefined;
}

/** Every `open attrs … close` span in order (non-overlapping, lazy content). */
export function* taggedSpans(
  text: string,
  open: string,
  attrs: RegExp | undefined,
  close: string,
  terminator?: string,
): Generator<TaggedSpan> {
  let from = 0;
  for (;;) {
    const head = findHead(text, open, attrs, from, terminator);
    if (head === undefined) return;
    const c = text.indexOf(close, head.headEnd);
    if (c < 0) return;
    yield {
      attrs: head.attrs,
      content: text.slice(head.headEnd, c),
      start: head.start,
      end: c + close.length,
    };
    from = c + close.length;
  }
}
