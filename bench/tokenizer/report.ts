import { fmt, formatTable } from '../lib/table';
import type { EngineResult } from './measure';
import type { PoolResult } from './pool';

/** The speed targets of the primary tokenizer (Llama 3.1), checked against the medians. */
export interface TargetCheck {
  readonly tokenizer: string;
  /** collie corpus MB/s ÷ the faster HF mode's; target ≥ 10. */
  readonly corpusSpeedupVsHf: number | null;
  readonly corpusSpeedupTarget: number;
  /** collie µs per 50-token message, inline; target ≤ 5. */
  readonly messageUs: number | null;
  readonly messageUsTarget: number;
  readonly met: boolean;
}

const MB = 1e6;

function hfBest(rows: readonly EngineResult[], tokenizer: string): number | null {
  const hf = rows.filter((r) => r.tokenizer === tokenizer && r.engine.startsWith('hf-'));
  return hf.length === 0 ? null : Math.max(...hf.map((r) => r.corpusMBps));
}

export function checkTargets(rows: readonly EngineResult[], tokenizer: string): TargetCheck {
  const collie = rows.find((r) => r.tokenizer === tokenizer && r.engine === 'collie');
  const hf = hfBest(rows, tokenizer);
  const speedup = collie && hf ? collie.corpusMBps / hf : null;
  const messageUs = collie?.messageUs ?? null;
  return {
    tokenizer,
    corpusSpeedupVsHf: speedup,
    corpusSpeedupTarget: 10,
    messageUs,
    messageUsTarget: 5,
    met: speedup !== null && speedup >= 10 && messageUs !== null && messageUs <= 5,
  };
}

/** Token counts that differ from the reference engine's (HF or tiktoken) on the same corpus. */
export function tokenCountWarnings(rows: readonly EngineResult[]): string[] {
  const out: string[] = [];
  for (const tokenizer of new Set(rows.map((r) => r.tokenizer))) {
    const mine = rows.filter((r) => r.tokenizer === tokenizer);
    const ref = mine.find((r) => r.engine === 'hf-await' || r.engine === 'tiktoken-wasm');
    for (const r of mine) {
      if (ref && r.corpusTokens !== ref.corpusTokens) {
        out.push(
          `${tokenizer}: ${r.engine} produced ${r.corpusTokens} corpus tokens, ${ref.engine} ${ref.corpusTokens}`,
        );
      }
    }
  }
  return out;
}

export function renderTable(rows: readonly EngineResult[], pool: readonly PoolResult[]): string {
  const body = rows.map((r) => {
    const hf = hfBest(rows, r.tokenizer);
    return [
      r.tokenizer,
      r.engine,
      fmt(r.corpusMBps, 2),
      hf ? `${fmt(r.corpusMBps / hf, 1)}×` : '-',
      fmt(r.messageUs, 2),
      fmt(r.promptUs, 1),
      r.load ? fmt(r.load.loadMs, 0) : '-',
      r.load ? fmt(r.load.rssBytes / MB, 1) : '-',
      r.load ? fmt(r.load.externalBytes / MB, 1) : '-',
      String(r.corpusTokens),
    ];
  });
  const table = formatTable(
    [
      'tokenizer',
      'engine',
      'corpus MB/s',
      'vs HF',
      '50-tok µs',
      '2k-tok µs',
      'load ms',
      'RSS +MB',
      'ext +MB',
      'corpus tokens',
    ],
    body,
  );
  if (pool.length === 0) return table;
  const poolTable = formatTable(
    ['tokenizer', 'pool threads', 'dispatch', 'corpus MB/s', 'vs 1 thread inline'],
    pool.map((p) => [
      p.tokenizer,
      String(p.threads),
      p.dispatch,
      fmt(p.corpusMBps, 2),
      `${fmt(p.speedupVsInline, 2)}×`,
    ]),
  );
  return `${table}\n\n${poolTable}`;
}
