import type { RequestNotes } from '../server/types';

/**
 * Token counts in an engine's answer, found by scanning bytes (never parsing the answer):
 * OpenAI `usage` (prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens),
 * SGLang `meta_info` (the same names) and Anthropic `usage` (input_tokens, output_tokens,
 * cache_read_input_tokens). In a stream the last report wins (usage comes in the final
 * chunk; SGLang repeats cumulative counts in every chunk).
 */
const KEYS: ReadonlyArray<readonly [Buffer, 'promptTokens' | 'completionTokens' | 'cachedTokens']> =
  [
    [Buffer.from('"prompt_tokens"'), 'promptTokens'],
    [Buffer.from('"completion_tokens"'), 'completionTokens'],
    [Buffer.from('"cached_tokens"'), 'cachedTokens'],
    [Buffer.from('"input_tokens"'), 'promptTokens'],
    [Buffer.from('"output_tokens"'), 'completionTokens'],
    [Buffer.from('"cache_read_input_tokens"'), 'cachedTokens'],
  ];
const MARK = Buffer.from('_tokens"');

/** The number after `"key":` at `at`, or undefined (null, not a number). */
function numberAfter(buf: Buffer, from: number): number | undefined {
  let i = from;
  while (
    i < buf.length &&
    (buf[i] === 0x20 || buf[i] === 0x3a || buf[i] === 0x0a || buf[i] === 0x09)
  )
    i++;
  let end = i;
  while (end < buf.length && (buf[end] as number) >= 0x30 && (buf[end] as number) <= 0x39) end++;
  if (end === i || end - i > 15) return undefined;
  return Number(buf.toString('latin1', i, end));
}

/** Records the token counts `chunk` reports into `notes` (last occurrence wins). */
export function scanUsage(chunk: Buffer, notes: RequestNotes): void {
  if (chunk.indexOf(MARK) < 0) return; // most stream chunks: one native search, done
  for (const [key, field] of KEYS) {
    const at = chunk.lastIndexOf(key);
    if (at < 0) continue;
    const n = numberAfter(chunk, at + key.length);
    if (n !== undefined) notes[field] = n;
  }
}
