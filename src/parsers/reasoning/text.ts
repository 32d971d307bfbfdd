/**
 * Text helpers shared by the reasoning parsers: Rust's notion of whitespace (SMG trims with
 * `str::trim`, which differs from JS `trim`: U+0085 is whitespace, U+FEFF is not), SMG's 4 MiB
 * buffer limit, and the partial-marker check streaming parsers use to decide what to hold.
 */
import { ReasoningParseError, type ReasoningResult } from './types';

/** SMG's `DEFAULT_MAX_BUFFER_SIZE`: 4 MiB of UTF-8. */
export const MAX_BUFFER_BYTES = 4 * 1024 * 1024;

/** Characters with Unicode White_Space (Rust's `char::is_whitespace`). */
export const RUST_WS_CLASS =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

export function isRustWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Index of the first non-whitespace character, or -1. */
export function firstNonWs(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isRustWhitespace(s.charCodeAt(i))) return i;
  return -1;
}

/** Index just past the last non-whitespace character (0 when all whitespace). */
export function endOfNonWs(s: string): number {
  let i = s.length;
  while (i > 0 && isRustWhitespace(s.charCodeAt(i - 1))) i--;
  return i;
}

export function rustTrim(s: string): string {
  const start = firstNonWs(s);
  return start < 0 ? '' : s.slice(start, endOfNonWs(s));
}

/** UTF-8 length without encoding when the answer is obvious. */
function utf8Bytes(s: string): number {
  return s.length * 3 <= MAX_BUFFER_BYTES ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Throws SMG's `BufferOverflow` when `held + text` is over the limit (bytes, as Rust counts). */
export function checkBufferLimit(text: string, held = 0): void {
  if (held + text.length * 3 <= MAX_BUFFER_BYTES) return;
  const bytes = held + utf8Bytes(text);
  if (bytes > MAX_BUFFER_BYTES) {
    throw new ReasoningParseError(`Buffer overflow: ${bytes} bytes exceeds maximum`);
  }
}

/**
 * Length of the longest suffix of `s` (starting at or after `from`) that is a proper prefix of
 * one of `tokens`: the text a streaming parser must hold because a marker may be starting.
 */
export function partialSuffix(s: string, from: number, tokens: readonly string[]): number {
  let best = 0;
  for (const token of tokens) {
    const first = token.charCodeAt(0);
    // candidates start where the token's first character occurs within the last len-1 chars
    for (let p = Math.max(from, s.length - token.length + 1); p < s.length; p++) {
      if (s.length - p <= best) break;
      if (s.charCodeAt(p) === first && token.startsWith(s.slice(p))) {
        best = s.length - p;
        break;
      }
    }
  }
  return best;
}

export const EMPTY_RESULT: ReasoningResult = Object.freeze({ normalText: '', reasoningText: '' });

export function normalOnly(text: string): ReasoningResult {
  return { normalText: text, reasoningText: '' };
}
