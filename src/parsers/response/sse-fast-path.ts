/**
 * Reads the common streamed chat chunk without JSON.parse: one choice whose delta is only
 * `{"content":"…"}` and whose finish_reason is null. Anything else (several choices, other
 * delta fields, a finishing chunk, an unusual layout) answers undefined and takes the general
 * path. Safe because an unescaped `"delta":` cannot occur inside a JSON string.
 */

export interface ContentEvent {
  readonly index: number;
  readonly content: string;
  /** Span of the `"delta":{…}` member in the event's data. */
  readonly start: number;
  readonly end: number;
}

const DELTA = '"delta":{"content":"';
const INDEX = '"index":';
const FINISH_NULL = '"finish_reason":null';

/** Index of the closing quote of the string starting at `from`, and whether it has escapes. */
function stringEnd(data: string, from: number): [end: number, escaped: boolean] {
  let escaped = false;
  for (let i = from; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x5c) {
      escaped = true;
      i++;
    } else if (c === 0x22) {
      return [i, escaped];
    }
  }
  return [-1, escaped];
}

function choiceIndex(data: string, before: number): number | undefined {
  const at = data.lastIndexOf(INDEX, before);
  if (at < 0) return undefined;
  let n = 0;
  let i = at + INDEX.length;
  const first = i;
  for (; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return i === first || data.charCodeAt(i) !== 0x2c ? undefined : n;
}

export function scanContentEvent(data: string): ContentEvent | undefined {
  const start = data.indexOf(DELTA);
  if (start < 0) return undefined;
  const from = start + DELTA.length;
  const [close, escaped] = stringEnd(data, from);
  if (close < 0 || data.charCodeAt(close + 1) !== 0x7d) return undefined;
  const end = close + 2;
  // one choice only, and it is not finishing (top-level fields carry no finish_reason)
  if (data.indexOf('"delta":', end) >= 0 || !data.includes(FINISH_NULL)) return undefined;
  const index = choiceIndex(data, start);
  if (index === undefined) return undefined;
  let content: string;
  if (!escaped) {
    content = data.slice(from, close);
  } else {
    try {
      content = JSON.parse(data.slice(from - 1, close + 1)) as string;
    } catch {
      return undefined;
    }
  }
  return content.length === 0 ? undefined : { index, content, start, end };
}
