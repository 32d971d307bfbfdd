import { median, medianOrNull, ratio } from '../lib/stats';
import { socketErrorTotal, type SocketErrors } from '../lib/wrk';
import type { Phase, TargetKind } from './options';
import type { RunRecord } from './runner';
import type { Target } from './targets';

/** Medians over the repeats of one target in one phase. */
export interface ConfigSummary {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly label: string;
  readonly phase: Phase;
  readonly runs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly proxyCpuUsPerReq: number | null;
  /** Of proxyCpuUsPerReq, the collie primary's / nginx master's part. */
  readonly proxyRootCpuUsPerReq: number | null;
  readonly engineCpuUsPerReq: number | null;
  /** Totals over the runs (not medians): any error makes the numbers suspect. */
  readonly requests: number;
  readonly non2xx: number;
  readonly socketErrors: SocketErrors;
}

/** collie ÷ nginx at the same process count (throughput phase). >1 rps is better, >1 else worse. */
export interface RatioRow {
  readonly processes: number;
  readonly rps: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly cpuUsPerReq: number | null;
}

export interface AddedLatencyRow {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly label: string;
  readonly rps: number;
  /** This check's rps ÷ the same target's throughput-phase rps (0.5 = half its max rate). */
  readonly loadFractionOfMax: number | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Target minus direct (medians); null without a direct run. */
  readonly addedP50Ms: number | null;
  readonly addedP99Ms: number | null;
}

export interface Summary {
  readonly throughput: readonly ConfigSummary[];
  readonly latency: readonly ConfigSummary[];
  readonly collieOverNginx: readonly RatioRow[];
  readonly addedLatency: readonly AddedLatencyRow[];
}

export function summarize(targets: readonly Target[], runs: readonly RunRecord[]): Summary {
  const byPhase = (phase: Phase): ConfigSummary[] =>
    targets.flatMap((t) => {
      const mine = runs.filter((r) => r.target === t.id && r.phase === phase);
      return mine.length === 0 ? [] : [summarizeConfig(t, phase, mine)];
    });
  const throughput = byPhase('throughput');
  const latency = byPhase('latency');
  return {
    throughput,
    latency,
    collieOverNginx: ratios(throughput),
    addedLatency: addedLatency(throughput, latency),
  };
}

function summarizeConfig(t: Target, phase: Phase, runs: readonly RunRecord[]): ConfigSummary {
  const sum = (pick: (r: RunRecord) => number): number => runs.reduce((a, r) => a + pick(r), 0);
  return {
    target: t.id,
    kind: t.kind,
    processes: t.processes,
    label: t.label,
    phase,
    runs: runs.length,
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    proxyCpuUsPerReq: medianOrNull(runs.map((r) => r.proxyCpuUsPerReq)),
    proxyRootCpuUsPerReq: medianOrNull(runs.map((r) => r.proxyRootCpuUsPerReq)),
    engineCpuUsPerReq: medianOrNull(runs.map((r) => r.engineCpuUsPerReq)),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    socketErrors: {
      connect: sum((r) => r.socketErrors.connect),
      read: sum((r) => r.socketErrors.read),
      write: sum((r) => r.socketErrors.write),
      timeout: sum((r) => r.socketErrors.timeout),
    },
  };
}

function ratios(throughput: readonly ConfigSummary[]): RatioRow[] {
  return throughput.flatMap((collie) => {
    if (collie.kind !== 'collie' || collie.processes === null) return [];
    const nginx = throughput.find((s) => s.kind === 'nginx' && s.processes === collie.processes);
    if (nginx === undefined) return [];
    return [
      {
        processes: collie.processes,
        rps: ratio(collie.rps, nginx.rps),
        p50Ms: ratio(collie.p50Ms, nginx.p50Ms),
        p99Ms: ratio(collie.p99Ms, nginx.p99Ms),
        cpuUsPerReq: ratio(collie.proxyCpuUsPerReq, nginx.proxyCpuUsPerReq),
      },
    ];
  });
}

function addedLatency(
  throughput: readonly ConfigSummary[],
  latency: readonly ConfigSummary[],
): AddedLatencyRow[] {
  const direct = latency.find((s) => s.kind === 'direct');
  return latency.map((s) => {
    const max = throughput.find((t) => t.target === s.target);
    return {
      target: s.target,
      kind: s.kind,
      processes: s.processes,
      label: s.label,
      rps: s.rps,
      loadFractionOfMax: max === undefined ? null : ratio(s.rps, max.rps),
      p50Ms: s.p50Ms,
      p99Ms: s.p99Ms,
      addedP50Ms: direct === undefined ? null : s.p50Ms - direct.p50Ms,
      addedP99Ms: direct === undefined ? null : s.p99Ms - direct.p99Ms,
    };
  });
}

/** Human-readable problems with the data: errors during runs, processes that died, contention. */
export function findWarnings(
  summary: Summary,
  runs: readonly RunRecord[],
  cpus: number,
  busyProcesses: number,
): string[] {
  const warnings: string[] = [];
  for (const s of [...summary.throughput, ...summary.latency]) {
    const e = s.socketErrors;
    if (s.non2xx > 0 || socketErrorTotal(e) > 0) {
      warnings.push(
        `${s.target} (${s.phase}): ${s.non2xx} non-2xx responses, socket errors ` +
          `connect ${e.connect} read ${e.read} write ${e.write} timeout ${e.timeout}`,
      );
    }
  }
  for (const r of runs) {
    if (r.proxyPids !== null && (r.proxyPids.gone > 0 || r.proxyPids.added > 0)) {
      warnings.push(
        `${r.target} (${r.phase}, round ${r.round}): proxy processes changed during the run ` +
          `(${r.proxyPids.gone} exited, ${r.proxyPids.added} started); its CPU figure is partial`,
      );
    }
  }
  if (cpus < busyProcesses) {
    warnings.push(
      `${cpus} CPUs for up to ${busyProcesses} busy processes/threads (wrk threads + engine + ` +
        `proxy processes): the load generator, engine and proxy compete for CPU, so compare ` +
        `ratios rather than absolute numbers`,
    );
  }
  return warnings;
}
