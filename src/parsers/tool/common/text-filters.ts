/**
 * Streaming equivalents of string post-processing SMG applies to a complete normal text, so an
 * incremental parser can emit pieces early and still end with exactly the same text:
 * - RemoveAllFilter: `s.replace(marker, "")` (non-overlapping, left to right, no rescan);
 * - TrimFilter: Rust `trim()` (Unicode White_Space at both ends).
 * Each holds at most a marker prefix, or a run of trailing whitespace.
 */
import { partialMarkerSuffix } from './markers';
import { isRustWhitespaceCode, trailingWhitespaceLength } from './text';

/** A text transformer fed in pieces; `end` flushes what it held. */
export interface TextFilter {
  push(text: string): string;
  end(): string;
}

/** Removes every occurrence of one marker. */
export class RemoveAllFilter implements TextFilter {
  private held = '';
  constructor(private readonly marker: string) {}

  push(text: string): string {
    const s = this.held + text;
    const parts = s.split(this.marker);
    const last = parts.pop() ?? '';
    const keep = partialMarkerSuffix(last, [this.marker]);
    this.held = last.slice(last.length - keep);
    return parts.join('') + last.slice(0, last.length - keep);
  }

  end(): string {
    const s = this.held;
    this.held = '';
    return s;
  }
}

/** Trims Unicode whitespace at the start and at the end of the whole stream. */
export class TrimFilter implements TextFilter {
  private started = false;
  private held = '';

  push(text: string): string {
    let s = this.held + text;
    this.held = '';
    if (!this.started) {
      let i = 0;
      while (i < s.length && isRustWhitespaceCode(s.charCodeAt(i))) i++;
      s = s.slice(i);
      if (s === '') return '';
      this.started = true;
    }
    const ws = trailingWhitespaceLength(s);
    this.held = s.slice(s.length - ws);
    return s.slice(0, s.length - ws);
  }

  end(): string {
    this.held = '';
    return '';
  }
}

/** Filters applied one after the other (the output of each feeds the next). */
export class FilterChain implements TextFilter {
  constructor(private readonly filters: readonly TextFilter[]) {}

  push(text: string): string {
    let s = text;
    for (const f of this.filters) s = f.push(s);
    return s;
  }

  end(): string {
    let s = '';
    for (const f of this.filters) s = f.push(s) + f.end();
    return s;
  }
}
