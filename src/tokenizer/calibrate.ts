import { performance } from 'node:perf_hooks';
import type { Tokenizer } from './tokenizer';

export interface CrossoverRow {
  /** Input length, UTF-16 units. */
  readonly length: number;
  /** Median inline encode time, microseconds. */
  readonly inlineUs: number;
  /** Median pool encode time (round trip included), microseconds. */
  readonly poolUs: number;
}

export interface CrossoverResult {
  readonly rows: readonly CrossoverRow[];
  /** Median round trip of an (almost) empty pool task, microseconds. */
  readonly roundTripUs: number;
  /** Calling-thread busy time per pool task, sequential calls, microseconds (event-loop utilisation). */
  readonly callerUs: number;
  /**
   * The longest input whose inline encode still costs no more than a pool round trip:
   * below it inline is cheaper in latency and in total work, above it the pool frees the
   * event loop for longer than the round trip costs.
   */
  readonly threshold: number;
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which ' +
  'but have an they you were her she there been one all we their has would when if so no will ' +
  'tokenizer gateway request latency worker thread 2048 µs naïve café 東京 ünïcödé, (parens) "quotes".'
).split(' ');

/** Deterministic prose of `length` UTF-16 units (words, punctuation, digits, some non-ASCII). */
export function sampleText(length: number): string {
  let s = '';
  let x = 12345;
  while (s.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += `${WORDS[x % WORDS.length] as string}${x % 17 === 0 ? '.\n' : ' '}`;
  }
  return s.slice(0, length);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timeAsync(reps: number, fn: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) * 1000);
  }
  return median(out);
}

function timeSync(reps: number, fn: () => unknown): number {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    out.push((performance.now() - t) * 1000);
  }
  return median(out);
}

/**
 * Measures encode cost inline and on the pool for growing inputs, and the bare pool round
 * trip, to choose `inlineThreshold` for this machine and tokenizer. Use a tokenizer without
 * caches (every repetition after the first would be a cache hit).
 */
export async function measureCrossover(
  tokenizer: Tokenizer,
  opts: { lengths?: readonly number[]; reps?: number } = {},
): Promise<CrossoverResult> {
  const reps = opts.reps ?? 200;
  const lengths = opts.lengths ?? [
    16, 64, 128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096, 8192, 16384,
  ];
  const pooled = (text: string): Promise<Uint32Array> =>
    tokenizer.encode(text, { addSpecialTokens: false, dispatch: 'pool' });
  for (let i = 0; i < 200; i++) await pooled('warm up');
  const elu0 = performance.eventLoopUtilization();
  const roundTripUs = await timeAsync(reps * 2, () => pooled(''));
  const elu = performance.eventLoopUtilization(elu0);
  const callerUs = (elu.active * 1000) / (reps * 2);
  const rows: CrossoverRow[] = [];
  for (const length of lengths) {
    const text = sampleText(length);
    for (let i = 0; i < 20; i++) tokenizer.encodeSync(text, { addSpecialTokens: false });
    const inlineUs = timeSync(reps, () => tokenizer.encodeSync(text, { addSpecialTokens: false }));
    const poolUs = await timeAsync(reps, () => pooled(text));
    rows.push({ length, inlineUs, poolUs });
  }
  let threshold = 0;
  for (const r of rows) if (r.inlineUs <= roundTripUs) threshold = Math.max(threshold, r.length);
  return { rows, roundTripUs, callerUs, threshold };
}
