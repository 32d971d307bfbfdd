/**
 * Rust's notion of whitespace, which SMG's parsers use (`str::trim`, regex `\s`). It differs from
 * JavaScript's: Rust counts U+0085 (NEL) and not U+FEFF (BOM); JS `\s` and `trim()` do the
 * opposite. Every parser trims and matches whitespace through these helpers, never `trim()`.
 */

/** Body of a regex character class matching one Rust whitespace char (Unicode White_Space). */
export const RUST_WS_CLASS =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** True when the UTF-16 code unit at `code` is Rust whitespace. */
export function isRustWhitespaceCode(code: number): boolean {
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

/** Rust `str::trim_start`. */
export function rustTrimStart(s: string): string {
  let i = 0;
  while (i < s.length && isRustWhitespaceCode(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

/** Rust `str::trim_end`. */
export function rustTrimEnd(s: string): string {
  let j = s.length;
  while (j > 0 && isRustWhitespaceCode(s.charCodeAt(j - 1))) j--;
  return j === s.length ? s : s.slice(0, j);
}

/** Rust `str::trim`. */
export function rustTrim(s: string): string {
  return rustTrimEnd(rustTrimStart(s));
}

/** Length of the run of Rust whitespace that ends `s`. */
export function trailingWhitespaceLength(s: string): number {
  let j = s.length;
  while (j > 0 && isRustWhitespaceCode(s.charCodeAt(j - 1))) j--;
  return s.length - j;
}
