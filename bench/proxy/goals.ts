/**
 * The targets, checked on the medians: collie ÷ floor (the uWS + undici relay at the same
 * process count) for CPU and slow-stream time, absolute added latency at a fixed rate, plus
 * collie ÷ nginx beside each for context (no target).
 */
import { ratio } from '../lib/stats';
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
  /** value ÷ reference; null for the absolute (added latency) checks. */
  readonly ratio: number | null;
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

interface Measured {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly value: number | null;
  /** false when the measurement is incomplete (failed streams): the check cannot pass. */
  readonly complete: boolean;
}

const COLLIES = ['collie', 'collie-ca'] as const;

export function computeGoals(s: GoalInputs): GoalRow[] {
  const cpu = (rows: readonly ConfigSummary[], pick: (r: ConfigSummary) => number | null) =>
    rows.map((r): Measured => ({ ...r, value: pick(r), complete: true }));
  const slow = s.slowStreams.map((r): Measured => ({
    ...r,
    value: r.wallMs,
    complete: r.failed === 0,
  }));
  return [
    ...ratioRows(
      'cpu-per-request',
      'µs/req',
      cpu(s.throughput, (r) => r.proxyCpuUsPerReq),
    ),
    ...ratioRows(
      'cpu-per-chunk',
      'µs/chunk',
      cpu(s.streaming, (r) => r.proxyCpuUsPerChunk),
    ),
    ...addedRows('added-p99', s.addedLatencyFixedRate, s.fixedRate),
    ...addedRows('added-p99.9', s.addedLatencyFixedRate, s.fixedRate),
    ...ratioRows('slow-streams-time', 'ms', slow),
  ];
}

function verdict(value: number | null, limit: number, complete: boolean): Verdict {
  if (value === null) return 'n/a';
  return complete && value <= limit ? 'PASS' : 'FAIL';
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
      const r = ratio(m.value, floor.value);
      out.push({
        check,
        target: m.target,
        versus: floor.target,
        unit,
        value: m.value,
        reference: floor.value,
        ratio: r,
        goal: `≤ ${limit}× floor`,
        verdict: verdict(r, limit, m.complete && floor.complete),
      });
    }
    const nginx = find('nginx', m.processes);
    if (nginx !== undefined) {
      const r = ratio(m.value, nginx.value);
      out.push({
        check,
        target: m.target,
        versus: nginx.target,
        unit,
        value: m.value,
        reference: nginx.value,
        ratio: r,
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
        goal: isCollie ? `≤ ${limit} ms added` : null,
        verdict: isCollie ? verdict(value, limit, true) : null,
      },
    ];
  });
}
