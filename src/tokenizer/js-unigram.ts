/**
 * HF `tokenizers`' Unigram segmentation (its single-pass Viterbi), replacing the one of
 * @huggingface/tokenizers, which breaks ties between equal-score paths differently and does
 * not fuse consecutive unknown pieces. Exactness rules taken from the Rust library:
 *  - best path ending at each position, relaxed from start positions in increasing order, a
 *    later candidate wins only with a strictly greater score (so the earliest start wins ties);
 *  - a position with no one-character piece gets the unknown piece (score min − 10);
 *  - consecutive unknown pieces are fused into one token (which maps to the unknown id).
 */
export interface UnigramPieces {
  /** piece → [id, score] */
  readonly pieces: ReadonlyMap<string, readonly [number, number]>;
  readonly unkId: number;
  readonly unkScore: number;
  /** Longest piece, in code points. */
  readonly maxLen: number;
}

const UNK_PENALTY = 10;

export function unigramPieces(
  vocab: ReadonlyArray<readonly [string, number]>,
  unkId: number,
): UnigramPieces {
  const pieces = new Map<string, readonly [number, number]>();
  let min = Infinity;
  let maxLen = 1;
  vocab.forEach(([piece, score], id) => {
    if (!pieces.has(piece)) pieces.set(piece, [id, score]);
    if (score < min) min = score;
    const len = [...piece].length;
    if (len > maxLen) maxLen = len;
  });
  return { pieces, unkId, unkScore: min - UNK_PENALTY, maxLen };
}

/** Segments one pre-tokenized, normalized word into piece strings (fused unknowns included). */
export function unigramSegment(m: UnigramPieces, word: string): string[] {
  if (word === '') return [];
  const chars = Array.from(word);
  const n = chars.length;
  const score = new Float64Array(n + 1);
  const from = new Int32Array(n + 1).fill(-1);
  const ids = new Int32Array(n + 1);
  from[0] = 0;
  for (let start = 0; start < n; start++) {
    if (from[start] === -1) continue;
    const base = score[start] as number;
    let piece = '';
    let single = false;
    for (let len = 1; len <= m.maxLen && start + len <= n; len++) {
      piece += chars[start + len - 1] as string;
      const hit = m.pieces.get(piece);
      if (!hit) continue;
      if (len === 1) single = true;
      const end = start + len;
      const cand = hit[1] + base;
      if (from[end] === -1 || cand > (score[end] as number)) {
        score[end] = cand;
        from[end] = start;
        ids[end] = hit[0];
      }
    }
    if (!single) {
      const end = start + 1;
      const cand = m.unkScore + base;
      if (from[end] === -1 || cand > (score[end] as number)) {
        score[end] = cand;
        from[end] = start;
        ids[end] = m.unkId;
      }
    }
  }
  const out: string[] = [];
  let unk = '';
  for (let end = n; end > 0;) {
    const start = from[end] as number;
    const text = chars.slice(start, end).join('');
    if (ids[end] === m.unkId) unk = text + unk;
    else {
      if (unk) out.push(unk);
      unk = '';
      out.push(text);
    }
    end = start;
  }
  if (unk) out.push(unk);
  return out.reverse();
}

/**
 * A JSON number as HF's Rust library reads it: serde_json without its `float_roundtrip`
 * feature builds the significand as an integer, rounds it to f64, then multiplies or divides
 * by a power of ten — one rounding more than a correct parse, so 17-digit scores can land one
 * ulp away from JSON.parse's. Unigram ties are decided at that last bit.
 */
export function serdeJsonF64(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return Number(text);
  const frac = m[3] ?? '';
  const digits = (m[2] ?? '0') + frac;
  if (digits.length > 19) return Number(text); // past u64: serde takes another path; keep JSON's
  const exp = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - frac.length;
  let f = Number(BigInt(digits));
  const pow = Number(`1e${Math.abs(exp)}`);
  f = exp >= 0 ? f * pow : f / pow;
  return m[1] === '-' ? -f : f;
}

const PAIR = /\[\s*"(?:[^"\\]|\\.)*"\s*,\s*(-?[0-9][0-9.eE+-]*)\s*\]/g;

/**
 * The Unigram vocabulary's scores as the Rust library holds them, read from the raw
 * tokenizer.json text (the ["piece", score] pairs, in order); undefined when the pairs found
 * do not line up with the parsed vocabulary.
 */
export function rustUnigramScores(raw: string, count: number): number[] | undefined {
  const at = raw.indexOf('"Unigram"');
  const from = raw.lastIndexOf('"model"', at < 0 ? raw.length : at);
  const scores: number[] = [];
  PAIR.lastIndex = from < 0 ? 0 : from;
  for (let m = PAIR.exec(raw); m; m = PAIR.exec(raw)) scores.push(serdeJsonF64(m[1] ?? ''));
  return scores.length === count ? scores : undefined;
}
