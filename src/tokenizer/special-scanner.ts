/** A special token as the engine reports it. */
export interface SpecialToken {
  readonly content: string;
  readonly id: number;
}

/** One special-token occurrence in a text: [start, end) in UTF-16 units. */
export interface Occurrence {
  readonly start: number;
  readonly end: number;
  readonly id: number;
}

interface TrieNode {
  readonly next: Map<number, TrieNode>;
  id: number;
}

const node = (): TrieNode => ({ next: new Map(), id: -1 });

/** Past this many distinct first characters, a per-character table beats indexOf jumps. */
const MAX_JUMP_CHARS = 8;

/**
 * Finds special-token occurrences the way the engine splits added tokens: leftmost match,
 * longest token at that position, non-overlapping. Texts are scanned by jumping between
 * occurrences of the tokens' first characters (indexOf is vectorised), so a 100 kB prompt
 * with a handful of boundaries costs microseconds.
 */
export class SpecialScanner {
  private readonly root = node();
  private readonly firsts: string[];
  private readonly table: Uint8Array | undefined;

  constructor(tokens: readonly SpecialToken[]) {
    const firsts = new Set<string>();
    for (const t of tokens) {
      if (t.content.length === 0) continue;
      let n = this.root;
      for (let i = 0; i < t.content.length; i++) {
        const c = t.content.charCodeAt(i);
        let child = n.next.get(c);
        if (!child) n.next.set(c, (child = node()));
        n = child;
      }
      n.id = t.id;
      firsts.add(t.content[0] as string);
    }
    this.firsts = [...firsts];
    if (this.firsts.length > MAX_JUMP_CHARS) {
      this.table = new Uint8Array(65536);
      for (const f of this.firsts) this.table[f.charCodeAt(0)] = 1;
    }
  }

  get empty(): boolean {
    return this.firsts.length === 0;
  }

  /** Every occurrence in `text` at or after `from`, in order. */
  scan(text: string, from = 0): Occurrence[] {
    const out: Occurrence[] = [];
    if (this.firsts.length === 0) return out;
    let i = from;
    const next = new Array<number>(this.firsts.length).fill(-2);
    while (i < text.length) {
      const p = this.table ? this.nextByTable(text, i) : this.nextByJump(text, i, next);
      if (p < 0) break;
      const end = this.matchAt(text, p);
      if (end.id >= 0) {
        out.push({ start: p, end: end.end, id: end.id });
        i = end.end;
      } else {
        i = p + 1;
      }
    }
    return out;
  }

  private nextByJump(text: string, from: number, next: number[]): number {
    let best = -1;
    for (let k = 0; k < this.firsts.length; k++) {
      let p = next[k] as number;
      if (p !== -1 && p < from) p = next[k] = text.indexOf(this.firsts[k] as string, from);
      if (p >= 0 && (best < 0 || p < best)) best = p;
    }
    return best;
  }

  private nextByTable(text: string, from: number): number {
    const table = this.table as Uint8Array;
    for (let i = from; i < text.length; i++) if (table[text.charCodeAt(i)] === 1) return i;
    return -1;
  }

  /** Longest token starting at `p`. */
  private matchAt(text: string, p: number): { end: number; id: number } {
    let n: TrieNode | undefined = this.root;
    let best = { end: -1, id: -1 };
    for (let i = p; i < text.length; i++) {
      n = n.next.get(text.charCodeAt(i));
      if (!n) break;
      if (n.id >= 0) best = { end: i + 1, id: n.id };
    }
    return best;
  }
}
