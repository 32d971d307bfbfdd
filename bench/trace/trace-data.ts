import fs from 'node:fs';

/** One request of the Mooncake conversation trace (see /work/shared/traces/README.md). */
export interface TraceRequest {
  readonly timestamp: number;
  readonly inputLength: number;
  readonly outputLength: number;
  readonly hashIds: readonly number[];
}

/** Tokens of one trace hash id (512 in the trace; scaled down by --token-scale). */
export const TRACE_BLOCK_TOKENS = 512;

export function loadTrace(file: string, limit: number): TraceRequest[] {
  const out: TraceRequest[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as {
      timestamp: number;
      input_length: number;
      output_length: number;
      hash_ids: number[];
    };
    out.push({
      timestamp: v.timestamp,
      inputLength: v.input_length,
      outputLength: v.output_length,
      hashIds: v.hash_ids,
    });
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/**
 * Deterministic prompt token ids: hash id h becomes `blockTokens` ids that depend only on h
 * (same id → same ids, different ids → different ids), concatenated and cut to the
 * (scaled) input length. `salt` makes a disjoint vocabulary for a second traffic source.
 */
export function promptTokens(r: TraceRequest, blockTokens: number, salt = 0): number[] {
  const length = Math.max(1, Math.round((r.inputLength * blockTokens) / TRACE_BLOCK_TOKENS));
  const out: number[] = [];
  for (const h of r.hashIds) {
    for (let i = 0; i < blockTokens && out.length < length; i++) {
      out.push(((h * 7919 + salt * 104729) * blockTokens + i) % 4_000_000_000);
    }
    if (out.length >= length) break;
  }
  // the trace's last block may be partial; hash ids cover every prompt token
  while (out.length < length) out.push(4_000_000_000 + out.length);
  return out;
}

/**
 * The infinite-cache ceiling: cached prompt tokens / prompt tokens for one unbounded cache
 * that has seen every earlier request, at `blockTokens` per hash id (the README's 0.374 for
 * the whole trace at 512).
 */
export function ceilingHitRatio(reqs: readonly TraceRequest[], blockTokens: number): number {
  const seen = new Set<number>();
  let cached = 0;
  let total = 0;
  for (const r of reqs) {
    const length = Math.max(1, Math.round((r.inputLength * blockTokens) / TRACE_BLOCK_TOKENS));
    let k = 0;
    while (k < r.hashIds.length && seen.has(r.hashIds[k] as number)) k++;
    // only full blocks are cached by an engine
    const full = Math.floor(length / blockTokens);
    cached += Math.min(k, full) * blockTokens;
    total += length;
    for (const h of r.hashIds) seen.add(h);
  }
  return total === 0 ? 0 : cached / total;
}
