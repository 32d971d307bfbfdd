import type { RequestNotes } from '../server/types';

/**
 * Token counts in an engine's answer, found by scanning bytes (never parsing the answer):
 * OpenAI `usage` (prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens),
 * SGLang `meta_info` (the same names) and Anthropic `usage` (input_tokens, output_tokens,
 * cache_read_input_tokens). In a stream the last report wins (usage comes in the final
 * chunk; SGLang repeats cumulative counts in every chunk).
 */
type Field = 'promptTokens' | 'completionTokens' | 'cachedTokens';
/** Key names by what precedes `_tokens"`. */
const FIELDS: ReadonlyMap<string, Field> = new Map([
  ['prompt', 'promptTokens'],
  ['completion', 'completionTokens'],
  ['cached', 'cachedTokens'],
  ['input', 'promptTokens'],
  ['output', 'completionTokens'],
  ['cache_read_input', 'cachedTokens'],
]);
const MARK_TEXT = '_tokens"';
const MARK = Buffer.from(MARK_TEXT);
/** The longest key name before MARK, plus its opening quote. */
const LONGEST_PREFIX = Math.max(...[...FIELDS.keys()].map((k) => k.length)) + 1;

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

/** The key name ending at `markAt` (between its opening quote and MARK), or undefined. */
function keyBefore(text: string, markAt: number): string | undefined {
  const stop = Math.max(0, markAt - LONGEST_PREFIX);
  for (let q = markAt - 1; q >= stop; q--) {
    if (text.charCodeAt(q) === 0x22) return text.slice(q + 1, markAt); // '"'
  }
  return undefined;
}

/**
 * Records the token counts `chunk` reports into `notes` (last occurrence wins). One native
 * search answers most stream chunks (no usage); otherwise each `_tokens"` from the first on
 * is looked at once, in a string of the rest of the chunk.
 */
export function scanUsage(chunk: Buffer, notes: RequestNotes): void {
  const first = chunk.indexOf(MARK);
  if (first < 0) return;
  const from = Math.max(0, first - LONGEST_PREFIX);
  const text = chunk.toString('latin1', from);
  for (let at = first - from; at >= 0; at = text.indexOf(MARK_TEXT, at + MARK_TEXT.length)) {
    const key = keyBefore(text, at);
    const field = key === undefined ? undefined : FIELDS.get(key);
    if (field === undefined) continue;
    const n = numberAfter(text, at + MARK_TEXT.length);
    if (n !== undefined) notes[field] = n;
  }
}
