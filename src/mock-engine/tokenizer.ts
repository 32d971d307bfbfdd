/**
 * Deterministic toy tokenizer for the prefix-cache simulation. What must hold: equal text
 * gives equal ids, and a text that extends another gives ids that extend the other's ids
 * (up to the last piece of the shorter text), so prompt prefixes become shared block hashes.
 *
 * Pieces: runs of word characters (ASCII letters, digits, `_`, and non-ASCII below U+3000)
 * are one token; every other ASCII punctuation character and every character from U+3000 up
 * (CJK and friends, which use no spaces) is a token of its own; whitespace only separates.
 * Each piece is hashed (FNV-1a over UTF-16 code units) to a uint32 id.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Growable uint32 buffer reused across requests (the engine owns one). */
export class TokenBuffer {
  private data = new Uint32Array(1024);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(id: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = id;
  }

  /** A view of the tokens pushed so far; valid until the next push or reset. */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Character classes (plain numbers: no TS enums). */
const SPACE = 0;
const WORD = 1;
const SINGLE = 2;
type CharKind = typeof SPACE | typeof WORD | typeof SINGLE;

function kindOf(c: number): CharKind {
  if (c === 32 || (c >= 9 && c <= 13)) return SPACE;
  if (c < 128) {
    const lower = c | 32;
    if ((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 95) return WORD;
    return c < 32 || c === 127 ? SPACE : SINGLE;
  }
  if (c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff) return SPACE;
  return c >= 0x3000 ? SINGLE : WORD;
}

function hashRange(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV-1a of a whole string (used for special tokens such as role tags). */
export function hashString(s: string): number {
  return hashRange(s, 0, s.length);
}

/** Appends the token ids of `text` to `out`; returns the number of tokens appended. */
export function tokenizeInto(text: string, out: TokenBuffer): number {
  const before = out.length;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const kind = kindOf(text.charCodeAt(i));
    if (kind === SPACE) {
      i++;
    } else if (kind === SINGLE) {
      out.push(hashRange(text, i, i + 1));
      i++;
    } else {
      const start = i;
      i++;
      while (i < n && kindOf(text.charCodeAt(i)) === WORD) i++;
      out.push(hashRange(text, start, i));
    }
  }
  return out.length - before;
}

/** Special token for `<|role|>` (chat rendering marks every message with one). */
export function roleToken(role: string): number {
  return hashString(`<|${role}|>`);
}
