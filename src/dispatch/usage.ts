import type { RequestNotes } from '../server/types';

/**
 * Token counts in an engine's answer, found by scanning bytes (never parsing the answer):
 * OpenAI `usage` (prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens),
 * SGLang `meta_info` (the same names) and Anthropic `usage` (input_tokens, output_tokens,
 * cache_read_input_tokens). In a stream the last report wins (usage comes in the final
 * chunk; SGLang repeats cumulative counts in every chunk).
 */
const KEYS: ReadonlyArray<readonly [string, 'promptTokens' | 'completionTokens' | 'cachedTokens']> =
  [
    ['"prompt_tokens"', 'promptTokens'],
    ['"completion_tokens"', 'completionTokens'],
    ['"cached_tokens"', 'cachedTokens'],
    ['"input_tokens"', 'promptTokens'],
    ['"output_tokens"', 'completionTokens'],
    ['"cache_read_input_tokens"', 'cachedTokens'],
  ];
const MARK = Buffer.from('_tokens"');
/** The longest key ends in MARK: its start is at most this far before MARK. */
const LONGEST_PREFIX = Math.max(...KEYS.map(([k]) => k.length)) - MARK.length;
/** Up to this size a JS loop finds MARK sooner than a native Buffer.indexOf call returns. */
const JS_SCAN_MAX = 2048;

/** Where `_tokens"` first occurs in `buf`, or -1. */
function markAt(buf: Buffer): number {
  if (buf.length > JS_SCAN_MAX) return buf.indexOf(MARK);
  const last = buf.length - MARK.length;
  outer: for (let i = 0; i <= last; i++) {
    if (buf[i] !== 0x5f) continue; // '_'
    for (let j = 1; j < MARK.length; j++) if (buf[i + j] !== MARK[j]) continue outer;
    return i;
  }
  return -1;
}

/** The number after `"key":` at `from` in `text`, or undefined (null, not a number). */
function numberAfter(text: string, from: number): number | undefined {
  let i = from;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x3a || c === 0x0a || c === 0x09;) {
    c = text.charCodeAt(++i);
  }
  let end = i;
  for (let c = text.charCodeAt(end); c >= 0x30 && c <= 0x39;) c = text.charCodeAt(++end);
  if (end === i || end - i > 15) return undefined;
  return Number(text.slice(i, end));
}

/** Records the token counts `chunk` reports into `notes` (last occurrence wins). */
export function scanUsage(chunk: Buffer, notes: RequestNotes): void {
  const at = markAt(chunk); // most stream chunks: no usage, done
  if (at < 0) return;
  // one string of the part that can hold usage keys; searched without crossing into C++
  const text = chunk.toString('latin1', Math.max(0, at - LONGEST_PREFIX));
  for (const [key, field] of KEYS) {
    const k = text.lastIndexOf(key);
    if (k < 0) continue;
    const n = numberAfter(text, k + key.length);
    if (n !== undefined) notes[field] = n;
  }
}
