/**
 * The targets: collie ÷ floor (the uWS + undici relay at the same process count) for CPU
 * and slow-stream time, absolute added latency at a fixed rate (medians), plus collie ÷ nginx
 * beside each for context (no target). A ratio is paired by round: the median over rounds of
 * collie's value ÷ the reference's value in the same round, so a machine whose speed drifts
 * between rounds (a shared VM) moves both sides of each ratio alike. Without common rounds it
 * falls back to the ratio of the medians.
 */
import { median, ratio } from '../lib/stats';
import type { TargetKind } from './options';
import type { SlowStreamSummary } from './slow-streams';
import type { AddedLatencyRow, ConfigSummary } from './summary';

export type GoalCheck =
  'cpu-per-request' | 'cpu-per-chunk' | 'added-p99' | 'added-p99.9' | 'slow-streams-time';

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

export interface GoalRow {
  readonly check: GoalCheck;
  /** The measured target (collie-w1, collie-ca-w2, …). */
  readonly target: string;
  /** What it is compared with: floor-wN / nginx-wN for ratios, `direct` for added latency. */
  readonly versus: string;
  readonly unit: string;
  readonly value: number | null;
  /** The compared target's value (added latency: the engine's own percentile). */
  readonly reference: number | null;
  /**
   * Median over rounds of value ÷ reference in the same round (value and reference are the
   * medians, shown beside it); null for the absolute (added latency) checks.
   */
  readonly ratio: number | null;
  /** The per-round ratios the median is taken of, in round order; null for added latency. */
  readonly roundRatios: readonly number[] | null;
  /** The target in words; null = context only (the nginx comparisons). */
  readonly goal: string | null;
  /** null = context only. */
  readonly verdict: Verdict | null;
}

interface GoalInputs {
  readonly throughput: readonly ConfigSummary[];
  readonly streaming: readonly ConfigSummary[];
  readonly fixedRate: readonly ConfigSummary[];
  readonly addedLatencyFixedRate: readonly AddedLatencyRow[];
  readonly slowStreams: readonly SlowStreamSummary[];
}

/** Ratio limits per collie flavour (the issue: round_robin 1.5×, cache_aware 1.8× for CPU/req). */
const LIMITS: Readonly<Record<'collie' | 'collie-ca', Readonly<Record<RatioCheck, number>>>> = {
  collie: { 'cpu-per-request': 1.5, 'cpu-per-chunk': 1.1, 'slow-streams-time': 1.2 },
  'collie-ca': { 'cpu-per-request': 1.8, 'cpu-per-chunk': 1.1, 'slow-streams-time': 1.2 },
};
const ADDED_LIMIT_MS: Readonly<Record<'added-p99' | 'added-p99.9', number>> = {
  'added-p99': 2,
  'added-p99.9': 5,
};
type RatioCheck = 'cpu-per-request' | 'cpu-per-chunk' | 'slow-streams-time';

export interface Measured {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly value: number | null;
  /** Each round's value, keyed by round number. */
  readonly byRound: Readonly<Record<string, number | null>>;
  /** false when the measurement is incomplete (failed streams): the check cannot pass. */
  readonly complete: boolean;
}

const COLLIES = ['collie', 'collie-ca'] as const;

export function computeGoals(s: GoalInputs): GoalRow[] {
  const cpu = (rows: readonly ConfigSummary[], perChunk: boolean) =>
    rows.map((r): Measured => {
      const per = perChunk ? r.chunksPerRequest : 1;
      const byRound = Object.entries(r.proxyCpuUsPerReqByRound).map(([k, v]) => [
        k,
        v === null ? null : v / per,
      ]);
      return {
        ...r,
        value: perChunk ? r.proxyCpuUsPerChunk : r.proxyCpuUsPerReq,
        byRound: Object.fromEntries(byRound) as Record<string, number | null>,
        complete: true,
      };
    });
  const slow = s.slowStreams.map((r): Measured => ({
    ...r,
    value: r.wallMs,
    byRound: r.wallMsByRound,
    complete: r.failed === 0,
  }));
  return [
    ...ratioRows('cpu-per-request', 'µs/req', cpu(s.throughput, false)),
    ...ratioRows('cpu-per-chunk', 'µs/chunk', cpu(s.streaming, true)),
    ...addedRows('added-p99', s.addedLatencyFixedRate, s.fixedRate),
    ...addedRows('added-p99.9', s.addedLatencyFixedRate, s.fixedRate),
    ...ratioRows('slow-streams-time', 'ms', slow),
  ];
}

function verdict(value: number | null, limit: number, complete: boolean): Verdict {
  if (value === null) return 'n/a';
  return complete && value <= limit ? 'PASS' : 'FAIL';
}

/**
 * `m` ÷ `ref` per round both measured (a positive reference), and the median of those; the
 * ratio of the medians when no round pairs up.
 */
export function pairedRatio(m: Measured, ref: Measured): [number | null, number[]] {
  const rounds: number[] = [];
  for (const [round, v] of Object.entries(m.byRound)) {
    const w = ref.byRound[round];
    if (v !== null && w !== null && w !== undefined && w > 0) rounds.push(v / w);
  }
  if (rounds.length === 0) return [ratio(m.value, ref.value), rounds];
  return [median(rounds), rounds];
}

function ratioRows(check: RatioCheck, unit: string, rows: readonly Measured[]): GoalRow[] {
  const find = (kind: TargetKind, processes: number | null): Measured | undefined =>
    rows.find((r) => r.kind === kind && r.processes === processes);
  return rows.flatMap((m) => {
    if (m.kind !== 'collie' && m.kind !== 'collie-ca') return [];
    const limit = LIMITS[m.kind][check];
    const out: GoalRow[] = [];
    const floor = find('floor', m.processes);
    if (floor !== undefined) {
      const [r, roundRatios] = pairedRatio(m, floor);
      out.push({
        check,
        target: m.target,
        versus: floor.target,
        unit,
        value: m.value,
        reference: floor.value,
        ratio: r,
        roundRatios,
        goal: `≤ ${limit}× floor`,
        verdict: verdict(r, limit, m.complete && floor.complete),
      });
    }
    const nginx = find('nginx', m.processes);
    if (nginx !== undefined) {
      const [r, roundRatios] = pairedRatio(m, nginx);
      out.push({
        check,
        target: m.target,
        versus: nginx.target,
        unit,
        value: m.value,
        reference: nginx.value,
        ratio: r,
        roundRatios,
        goal: null,
        verdict: null,
      });
    }
    return out;
  });
}

function addedRows(
  check: 'added-p99' | 'added-p99.9',
  added: readonly AddedLatencyRow[],
  fixedRate: readonly ConfigSummary[],
): GoalRow[] {
  const direct = fixedRate.find((r) => r.kind === 'direct');
  const limit = ADDED_LIMIT_MS[check];
  return added.flatMap((a) => {
    if (a.kind === 'direct') return [];
    const isCollie = COLLIES.some((k) => k === a.kind);
    const value = check === 'added-p99' ? a.addedP99Ms : a.addedP999Ms;
    const reference =
      direct === undefined ? null : check === 'added-p99' ? direct.p99Ms : direct.p999Ms;
    return [
      {
        check,
        target: a.target,
        versus: 'direct',
        unit: 'ms',
        value,
        reference,
        ratio: null,
        roundRatios: null,
        goal: isCollie ? `≤ ${limit} ms added` : null,
        verdict: isCollie ? verdict(value, limit, true) : null,
      },
    ];
  });
}
