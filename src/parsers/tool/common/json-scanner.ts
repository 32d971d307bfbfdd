/**
 * A resumable scanner for the extent of one JSON value in streamed text: feed it text as it
 * arrives and it reports where the top-level object/array closes. It tracks strings and escapes
 * (brackets inside strings do not count) and keeps O(1) state — a depth counter — so scanning
 * is linear in the input and never recursive, whatever the nesting. It does not validate: the
 * closed extent is then parsed with parseJson (strict) by the caller.
 */
export class JsonExtentScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  /** Index in the caller's text up to which characters were scanned. */
  pos: number;

  /** `start` is the index of the value's opening `{` or `[` in the caller's text. */
  constructor(start: number) {
    this.pos = start;
  }

  /**
   * Scans `text` (the caller's whole buffer; only new characters are looked at) and returns the
   * index just past the closing bracket of the value, or -1 while it is still open.
   */
  scan(text: string): number {
    for (let i = this.pos; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        this.depth++;
        this.started = true;
      } else if ((c === 0x7d || c === 0x5d) && this.started && --this.depth === 0) {
        this.pos = i + 1;
        return i + 1;
      }
    }
    this.pos = text.length;
    return -1;
  }

  /** Shift after the caller dropped `n` characters from the front of its buffer. */
  shift(n: number): void {
    this.pos -= n;
  }
}
