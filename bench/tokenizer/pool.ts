import { median } from '../lib/stats';
import { loadTokenizer } from '../../src/tokenizer';
import type { Workloads } from './workloads';

export interface PoolResult {
  readonly tokenizer: string;
  readonly threads: number;
  /**
   * 'pool': one encode() per document, all on the pool; 'default': one encode() per document,
   * inline below DEFAULT_INLINE_THRESHOLD; 'batch': one encodeBatch() of the whole corpus,
   * which the module splits into one chunk per thread.
   */
  readonly dispatch: 'pool' | 'default' | 'batch';
  /** Corpus MB/s with every document in flight at once on the pool (median of rounds). */
  readonly corpusMBps: number;
  readonly corpusMBpsRuns: readonly number[];
  /** ÷ collie's single-thread inline MB/s from the same run. */
  readonly speedupVsInline: number | null;
}

/**
 * collie/tokenizer's encode() over the corpus with every document submitted at once, so the
 * pool threads stay busy: either every encode on the pool (inlineThreshold 0; the calling
 * thread only dispatches) or the module's default split (short texts inline, long ones pooled).
 */
export async function measurePool(
  tokenizer: string,
  file: string,
  threads: number,
  dispatch: PoolResult['dispatch'],
  w: Workloads,
  rounds: number,
  inlineMBps: number | null,
): Promise<PoolResult> {
  const tok = await loadTokenizer(file, {
    threads,
    ...(dispatch === 'pool' ? { inlineThreshold: 0 } : {}),
  });
  try {
    const opts = { addSpecialTokens: false };
    const encodeAll = async (): Promise<number> => {
      const all =
        dispatch === 'batch'
          ? await tok.encodeBatch(w.corpus, opts)
          : await Promise.all(w.corpus.map((t) => tok.encode(t, opts)));
      return all.reduce((n, ids) => n + ids.length, 0);
    };
    await encodeAll(); // starts the threads, loads the tokenizer in each
    const runs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = process.hrtime.bigint();
      await encodeAll();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      runs.push(w.corpusBytes / 1e6 / s);
    }
    const mbps = median(runs);
    return {
      tokenizer,
      threads,
      dispatch,
      corpusMBps: mbps,
      corpusMBpsRuns: runs,
      speedupVsInline: inlineMBps ? mbps / inlineMBps : null,
    };
  } finally {
    await tok.close();
  }
}
