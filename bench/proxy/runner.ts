import { cpuDelta, snapshotTreeCpu, type CpuDelta } from '../lib/proc-cpu';
import type { ProcessGroup } from '../lib/processes';
import { runWrk, type SocketErrors, type WrkRunOptions } from '../lib/wrk';
import type { Phase, ProxyBenchOptions } from './options';
import type { Target } from './targets';
import { WORKLOAD } from './workload';

/** One measured wrk run. Latencies in ms, CPU per request in µs. */
export interface RunRecord {
  readonly target: string;
  readonly phase: Phase;
  readonly round: number;
  readonly connections: number;
  readonly threads: number;
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly percentilesMs: Readonly<Record<string, number>>;
  readonly non2xx: number;
  readonly socketErrors: SocketErrors;
  /** CPU seconds of the proxy's process tree during the run; null for direct. */
  readonly proxyCpuS: number | null;
  readonly proxyCpuUsPerReq: number | null;
  /** Of proxyCpuUsPerReq, the part used by the tree's root (collie primary / nginx master). */
  readonly proxyRootCpuUsPerReq: number | null;
  readonly proxyPids: CpuDelta['pids'] | null;
  /** CPU seconds of the engine's process tree during the run. */
  readonly engineCpuS: number;
  readonly engineCpuUsPerReq: number | null;
}

export interface RunContext {
  readonly group: ProcessGroup;
  readonly options: ProxyBenchOptions;
  readonly wrkPath: string;
  readonly scriptPath: string;
  readonly enginePid: number;
}

/** wrk -c / -t for a phase. */
export function loadFor(o: ProxyBenchOptions, phase: Phase): { c: number; t: number } {
  switch (phase) {
    case 'throughput':
      return { c: o.connections, t: o.threads };
    case 'latency':
      return { c: o.latencyConnections, t: o.latencyThreads };
  }
}

/**
 * Warmup (unmeasured), then one measured wrk run. CPU is read from /proc just before wrk starts
 * and just after it exits, for the target's process tree and the engine's.
 */
export async function measure(
  ctx: RunContext,
  target: Target,
  phase: Phase,
  round: number,
): Promise<RunRecord> {
  const o = ctx.options;
  const { c, t } = loadFor(o, phase);
  const wrk: WrkRunOptions = {
    wrkPath: ctx.wrkPath,
    url: target.url + WORKLOAD.path,
    scriptPath: ctx.scriptPath,
    threads: t,
    connections: c,
    durationS: o.durationS,
    timeoutS: o.wrkTimeoutS,
  };
  if (o.warmupS > 0) await runWrk(ctx.group, { ...wrk, durationS: o.warmupS });
  const isProxy = target.kind !== 'direct';
  const proxyBefore = isProxy ? snapshotTreeCpu(target.rootPid) : undefined;
  const engineBefore = snapshotTreeCpu(ctx.enginePid);
  const { result } = await runWrk(ctx.group, wrk);
  const engine = cpuDelta(engineBefore, snapshotTreeCpu(ctx.enginePid));
  const proxy = proxyBefore && cpuDelta(proxyBefore, snapshotTreeCpu(target.rootPid));
  const perReqUs = (seconds: number): number | null =>
    result.requests > 0 ? (seconds * 1e6) / result.requests : null;
  return {
    target: target.id,
    phase,
    round,
    connections: c,
    threads: t,
    requests: result.requests,
    durationS: result.durationS,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    percentilesMs: result.percentilesMs,
    non2xx: result.non2xx,
    socketErrors: result.socketErrors,
    proxyCpuS: proxy?.seconds ?? null,
    proxyCpuUsPerReq: proxy ? perReqUs(proxy.seconds) : null,
    proxyRootCpuUsPerReq: proxy ? perReqUs(proxy.byPid.get(target.rootPid) ?? 0) : null,
    proxyPids: proxy?.pids ?? null,
    engineCpuS: engine.seconds,
    engineCpuUsPerReq: perReqUs(engine.seconds),
  };
}

/**
 * Every phase × target, `repeat` rounds. Rounds are interleaved (each configuration once per
 * round) so slow drift of the machine affects all configurations alike.
 */
export async function runMatrix(
  ctx: RunContext,
  targets: readonly Target[],
  onRun: (run: RunRecord) => void,
): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (let round = 1; round <= ctx.options.repeat; round++) {
    for (const phase of ctx.options.phases) {
      for (const target of targets) {
        const run = await measure(ctx, target, phase, round);
        runs.push(run);
        onRun(run);
      }
    }
  }
  return runs;
}
