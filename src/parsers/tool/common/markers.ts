/**
 * Holding only a possible marker prefix across chunk boundaries: an incremental parser emits
 * everything except the longest tail of its buffer that could still grow into a marker.
 */

/**
 * Length of the longest suffix of `text` that is a proper, non-empty prefix of one of `markers`
 * (SMG's `ends_with_partial_token`, taking the longest candidate). Only positions holding a
 * marker's first character are tried, so plain text costs one short `indexOf` per marker.
 */
export function partialMarkerSuffix(text: string, markers: readonly string[]): number {
  let best = 0;
  for (const m of markers) {
    const first = m[0];
    if (first === undefined) continue;
    // The earliest candidate start is the longest suffix; stop at the first that matches.
    for (
      let i = text.indexOf(first, Math.max(0, text.length - m.length + 1));
      i >= 0;
      i = text.indexOf(first, i + 1)
    ) {
      const len = text.length - i;
      if (len <= best) break;
      if (m.startsWith(text.slice(i))) {
        best = len;
        break;
      }
    }
  }
  return best;
}

/** Earliest occurrence of any of `markers` in `text` at or after `from`. */
export function findFirstMarker(
  text: string,
  markers: readonly string[],
  from = 0,
): { readonly index: number; readonly marker: string } | undefined {
  let found: { index: number; marker: string } | undefined;
  for (const m of markers) {
    const i = text.indexOf(m, from);
    if (i >= 0 && (found === undefined || i < found.index)) found = { index: i, marker: m };
  }
  return found;
}

/**
 * A growing buffer searched for one marker without rescanning: `find` remembers how far it got,
 * so feeding n characters a few at a time costs O(n), not O(n²).
 */
export class MarkerSearch {
  private from = 0;
  constructor(private readonly marker: string) {}

  /** Index of the marker in `text` at or after `start` (resumes the previous search). */
  find(text: string, start: number): number {
    const from = Math.max(start, this.from);
    const i = text.indexOf(this.marker, from);
    this.from = i >= 0 ? i : Math.max(from, text.length - this.marker.length + 1);
    return i;
  }

  /** Forget progress (the buffer was cut or replaced). */
  reset(): void {
    this.from = 0;
  }
}
