import type { RequestNotes } from '../server/types';

/**
 * Token counts in an engine's answer, found by scanning bytes (never parsing the answer):
 * OpenAI `usage` (prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens),
 * SGLang `meta_info` (the same names) and Anthropic `usage` (input_tokens, output_tokens,
 * cache_read_input_tokens). In a stream the last report wins (usage comes in the final
 * chunk; SGLang repeats cumulative counts in every chunk).
 */
/** Which count a key reports. */
const PROMPT = 0;
const COMPLETION = 1;
const CACHED = 2;
/** Key names: what precedes `_tokens"`, as bytes. */
const PROMPT_KEY = Buffer.from('prompt');
const INPUT_KEY = Buffer.from('input');
const OUTPUT_KEY = Buffer.from('output');
const CACHE_READ_INPUT_KEY = Buffer.from('cache_read_input');
const COMPLETION_KEY = Buffer.from('completion');
const CACHED_KEY = Buffer.from('cached');
const MARK = Buffer.from('_tokens"');
const QUOTE = 0x22;

/** The next MARK at or after `from`, or -1. */
function nextMark(chunk: Buffer, from: number): number {
  const last = chunk.length - MARK.length;
  for (let i = from; i <= last; i++) {
    if (chunk[i] !== 0x5f) continue; // '_'
    let j = 1;
    while (j < MARK.length && chunk[i + j] === MARK[j]) j++;
    if (j === MARK.length) return i;
  }
  return -1;
}

/** Is the key ending at `end` exactly `name` (with its opening quote before it)? */
function keyIs(chunk: Buffer, end: number, name: Buffer): boolean {
  const start = end - name.length;
  if (start < 1 || chunk[start - 1] !== QUOTE) return false;
  for (let i = 0; i < name.length; i++) if (chunk[start + i] !== name[i]) return false;
  return true;
}

/**
 * Which count the key ending at `end` reports, or -1: chosen by the key's last letter, so a
 * key that reports none (`total_tokens`, say) costs one byte read.
 */
function fieldEndingAt(chunk: Buffer, end: number): number {
  switch (chunk[end - 1] as number) {
    case 0x74: // t: prompt, input, output, cache_read_input
      if (keyIs(chunk, end, PROMPT_KEY) || keyIs(chunk, end, INPUT_KEY)) return PROMPT;
      if (keyIs(chunk, end, OUTPUT_KEY)) return COMPLETION;
      return keyIs(chunk, end, CACHE_READ_INPUT_KEY) ? CACHED : -1;
    case 0x6e: // n: completion
      return keyIs(chunk, end, COMPLETION_KEY) ? COMPLETION : -1;
    case 0x64: // d: cached
      return keyIs(chunk, end, CACHED_KEY) ? CACHED : -1;
    default:
      return -1;
  }
}

/** The count after `"key":` at `from`, or -1 (null, a string, not a count). */
function countAt(chunk: Buffer, from: number): number {
  let i = from;
  for (let c = chunk[i]; c === 0x20 || c === 0x3a || c === 0x0a || c === 0x09; c = chunk[i]) i++;
  let n = 0;
  let digits = 0;
  for (let c = chunk[i]; c !== undefined && c >= 0x30 && c <= 0x39; c = chunk[++i]) {
    n = n * 10 + (c - 0x30);
    digits++;
  }
  return digits === 0 || digits > 15 ? -1 : n;
}

/**
 * Records the token counts `chunk` reports into `notes` (last occurrence wins). One native
 * search answers most stream chunks (no usage); each `_tokens"` found is read in place, in
 * the bytes (no string is made of the chunk).
 */
export function scanUsage(chunk: Buffer, notes: RequestNotes): void {
  // one native search for the first mark; the others (a few bytes on, in the same usage
  // object) are found by a plain loop, not a native call each
  for (let at = chunk.indexOf(MARK); at >= 0; at = nextMark(chunk, at + MARK.length)) {
    const field = fieldEndingAt(chunk, at);
    if (field < 0) continue;
    const n = countAt(chunk, at + MARK.length);
    if (n < 0) continue;
    if (field === PROMPT) notes.promptTokens = n;
    else if (field === COMPLETION) notes.completionTokens = n;
    else notes.cachedTokens = n;
  }
}
