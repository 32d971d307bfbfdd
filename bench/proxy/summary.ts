import { median, medianOrNull, ratio } from '../lib/stats';
import { socketErrorTotal, type SocketErrors } from '../lib/wrk';
import { computeGoals, type GoalRow } from './goals';
import type { TargetKind, WrkPhase } from './options';
import type { RunRecord, Runs } from './runner';
import { summarizeSlowStreams, type SlowStreamSummary } from './slow-streams';
import type { Target } from './targets';

/** Medians over the repeats of one target in one wrk phase. */
export interface ConfigSummary {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly label: string;
  readonly phase: WrkPhase;
  readonly runs: number;
  readonly rps: number;
  /** fixed-rate: the rate wrk was paced at; null otherwise. */
  readonly pacedRps: number | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number | null;
  readonly chunksPerRequest: number;
  readonly proxyCpuUsPerReq: number | null;
  /** Each round's CPU per request, keyed by round number (the goals pair rounds). */
  readonly proxyCpuUsPerReqByRound: Readonly<Record<string, number | null>>;
  /** proxyCpuUsPerReq ÷ chunksPerRequest (the streaming phase's unit). */
  readonly proxyCpuUsPerChunk: number | null;
  /** Of proxyCpuUsPerReq, the collie primary's / nginx master's part. */
  readonly proxyRootCpuUsPerReq: number | null;
  readonly engineCpuUsPerReq: number | null;
  /** Totals over the runs (not medians): any error makes the numbers suspect. */
  readonly requests: number;
  readonly non2xx: number;
  readonly socketErrors: SocketErrors;
}

/** A proxy ÷ nginx at the same process count (throughput phase). >1 rps is better, >1 else worse. */
export interface RatioRow {
  readonly target: string;
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
  /** This run's rps ÷ the same target's throughput-phase rps (0.3 = 30% of its max rate). */
  readonly loadFractionOfMax: number | null;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number | null;
  /** Target minus direct (medians); null without a direct run. */
  readonly addedP50Ms: number | null;
  readonly addedP99Ms: number | null;
  readonly addedP999Ms: number | null;
}

export interface Summary {
  readonly throughput: readonly ConfigSummary[];
  readonly streaming: readonly ConfigSummary[];
  readonly latency: readonly ConfigSummary[];
  readonly fixedRate: readonly ConfigSummary[];
  readonly slowStreams: readonly SlowStreamSummary[];
  readonly collieOverNginx: readonly RatioRow[];
  /** Closed-loop latency phase. */
  readonly addedLatency: readonly AddedLatencyRow[];
  readonly addedLatencyFixedRate: readonly AddedLatencyRow[];
  /** collie ÷ floor and collie ÷ nginx against the targets. */
  readonly ratios: readonly GoalRow[];
}

export function summarize(targets: readonly Target[], runs: Runs): Summary {
  const byPhase = (phase: WrkPhase): ConfigSummary[] =>
    targets.flatMap((t) => {
      const mine = runs.wrk.filter((r) => r.target === t.id && r.phase === phase);
      return mine.length === 0 ? [] : [summarizeConfig(t, phase, mine)];
    });
  const throughput = byPhase('throughput');
  const streaming = byPhase('streaming');
  const latency = byPhase('latency');
  const fixedRate = byPhase('fixed-rate');
  const slowStreams = summarizeSlowStreams(targets, runs.slowStreams);
  const addedLatencyFixedRate = addedLatency(throughput, fixedRate);
  return {
    throughput,
    streaming,
    latency,
    fixedRate,
    slowStreams,
    collieOverNginx: ratios(throughput),
    addedLatency: addedLatency(throughput, latency),
    addedLatencyFixedRate,
    ratios: computeGoals({ throughput, streaming, fixedRate, addedLatencyFixedRate, slowStreams }),
  };
}

function summarizeConfig(t: Target, phase: WrkPhase, runs: readonly RunRecord[]): ConfigSummary {
  const sum = (pick: (r: RunRecord) => number): number => runs.reduce((a, r) => a + pick(r), 0);
  const chunksPerRequest = runs[0]?.chunksPerRequest ?? 1;
  const proxyCpuUsPerReq = medianOrNull(runs.map((r) => r.proxyCpuUsPerReq));
  return {
    target: t.id,
    kind: t.kind,
    processes: t.processes,
    label: t.label,
    phase,
    runs: runs.length,
    rps: median(runs.map((r) => r.rps)),
    pacedRps: medianOrNull(runs.map((r) => r.pacedRps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    p999Ms: medianOrNull(runs.map((r) => r.p999Ms)),
    chunksPerRequest,
    proxyCpuUsPerReq,
    proxyCpuUsPerReqByRound: Object.fromEntries(runs.map((r) => [r.round, r.proxyCpuUsPerReq])),
    proxyCpuUsPerChunk: proxyCpuUsPerReq === null ? null : proxyCpuUsPerReq / chunksPerRequest,
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
  return throughput.flatMap((proxy) => {
    if ((proxy.kind !== 'collie' && proxy.kind !== 'collie-ca') || proxy.processes === null) {
      return [];
    }
    const nginx = throughput.find((s) => s.kind === 'nginx' && s.processes === proxy.processes);
    if (nginx === undefined) return [];
    return [
      {
        target: proxy.target,
        processes: proxy.processes,
        rps: ratio(proxy.rps, nginx.rps),
        p50Ms: ratio(proxy.p50Ms, nginx.p50Ms),
        p99Ms: ratio(proxy.p99Ms, nginx.p99Ms),
        cpuUsPerReq: ratio(proxy.proxyCpuUsPerReq, nginx.proxyCpuUsPerReq),
      },
    ];
  });
}

function addedLatency(
  throughput: readonly ConfigSummary[],
  measured: readonly ConfigSummary[],
): AddedLatencyRow[] {
  const direct = measured.find((s) => s.kind === 'direct');
  const minus = (a: number | null, b: number | null | undefined): number | null =>
    a === null || b === null || b === undefined ? null : a - b;
  return measured.map((s) => {
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
      p999Ms: s.p999Ms,
      addedP50Ms: minus(s.p50Ms, direct?.p50Ms),
      addedP99Ms: minus(s.p99Ms, direct?.p99Ms),
      addedP999Ms: minus(s.p999Ms, direct?.p999Ms),
    };
  });
}

/** Human-readable problems with the data: errors during runs, processes that died, contention. */
export function findWarnings(
  summary: Summary,
  runs: Runs,
  cpus: number,
  busyProcesses: number,
): string[] {
  const warnings: string[] = [];
  const wrkPhases = [...summary.throughput, ...summary.streaming, ...summary.latency];
  for (const s of [...wrkPhases, ...summary.fixedRate]) {
    const e = s.socketErrors;
    if (s.non2xx > 0 || socketErrorTotal(e) > 0) {
      warnings.push(
        `${s.target} (${s.phase}): ${s.non2xx} non-2xx responses, socket errors ` +
          `connect ${e.connect} read ${e.read} write ${e.write} timeout ${e.timeout}`,
      );
    }
  }
  for (const s of summary.slowStreams) {
    if (s.failed > 0) {
      const reasons = Object.entries(s.errors).map(([k, v]) => `${v}× ${k}`);
      warnings.push(
        `${s.target} (slow-streams): ${s.failed} streams failed: ${reasons.join('; ')}`,
      );
    }
  }
  for (const r of runs.wrk) {
    if (r.proxyPids !== null && (r.proxyPids.gone > 0 || r.proxyPids.added > 0)) {
      warnings.push(
        `${r.target} (${r.phase}, round ${r.round}): proxy processes changed during the run ` +
          `(${r.proxyPids.gone} exited, ${r.proxyPids.added} started); its CPU figure is partial`,
      );
    }
  }
  for (const s of summary.fixedRate) {
    if (s.pacedRps !== null && s.rps < 0.9 * s.pacedRps) {
      warnings.push(
        `${s.target} (fixed-rate): reached ${s.rps.toFixed(0)} of ${s.pacedRps.toFixed(0)} req/s; ` +
          `the rate is not "well below saturation" for it`,
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
