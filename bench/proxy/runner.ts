import { cpuDelta, snapshotTreeCpu, type CpuDelta } from '../lib/proc-cpu';
import type { ProcessGroup } from '../lib/processes';
import { runWrk, type SocketErrors, type WrkRunOptions } from '../lib/wrk';
import { pinning } from './pinning';
import { writeWrkScript } from '../lib/wrk-script';
import type { ProxyBenchOptions, WrkPhase } from './options';
import { measureSlowStreams, type SlowStreamRecord } from './slow-streams';
import type { Target } from './targets';
import { streamWorkload, WORKLOAD } from './workload';

/** One measured wrk run. Latencies in ms, CPU per request in µs. */
export interface RunRecord {
  readonly target: string;
  readonly phase: WrkPhase;
  readonly round: number;
  readonly connections: number;
  readonly threads: number;
  /** SSE chunks per request (streaming phase); 1 otherwise. */
  readonly chunksPerRequest: number;
  /** fixed-rate: the aggregate rate wrk was paced at; null otherwise. */
  readonly pacedRps: number | null;
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number | null;
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
  readonly tmpDir: string;
  readonly enginePid: number;
}

interface WrkPlan {
  readonly scriptPath: string;
  readonly c: number;
  readonly t: number;
  readonly durationS: number;
  readonly chunks: number;
  readonly pacedRps: number | null;
}

/** Everything measured: wrk runs and slow-stream bursts. */
export interface Runs {
  readonly wrk: readonly RunRecord[];
  readonly slowStreams: readonly SlowStreamRecord[];
}

export interface RunListeners {
  onRun(run: RunRecord): void;
  onSlowStreams(run: SlowStreamRecord): void;
}

/** The share of the slowest target's throughput that `--rate auto` paces at. */
export const AUTO_RATE_FRACTION = 0.3;

/**
 * `--rate`, or for `auto` {@link AUTO_RATE_FRACTION} of the lowest throughput-phase req/s
 * measured so far (round 1 runs throughput before fixed-rate, so it is always known).
 */
export function resolveRate(o: ProxyBenchOptions, runs: readonly RunRecord[]): number {
  if (o.rate !== 'auto') return o.rate;
  const rps = runs.filter((r) => r.phase === 'throughput').map((r) => r.rps);
  if (rps.length === 0) throw new Error('--rate auto: no throughput run to derive the rate from');
  return Math.max(1, Math.round(AUTO_RATE_FRACTION * Math.min(...rps)));
}

function createPlanner(ctx: RunContext) {
  const o = ctx.options;
  const stream = streamWorkload(o.streamChunks);
  const chat = writeWrkScript(ctx.tmpDir, 'chat.lua', WORKLOAD);
  const streamScript = writeWrkScript(ctx.tmpDir, 'chat-stream.lua', stream);
  const paced = new Map<number, string>();
  const pacedScript = (rate: number): string => {
    let file = paced.get(rate);
    if (file === undefined) {
      const pacing = { rate, connections: o.rateConnections };
      file = writeWrkScript(ctx.tmpDir, `chat-paced-${rate}.lua`, WORKLOAD, pacing);
      paced.set(rate, file);
    }
    return file;
  };
  return (phase: WrkPhase, runs: readonly RunRecord[]): WrkPlan => {
    const base = { durationS: o.durationS, chunks: 1, pacedRps: null };
    switch (phase) {
      case 'throughput':
        return { ...base, scriptPath: chat, c: o.connections, t: o.threads };
      case 'streaming':
        return {
          ...base,
          scriptPath: streamScript,
          c: o.connections,
          t: o.threads,
          chunks: stream.chunks,
        };
      case 'latency':
        return { ...base, scriptPath: chat, c: o.latencyConnections, t: o.latencyThreads };
      case 'fixed-rate': {
        const rate = resolveRate(o, runs);
        const t = o.latencyThreads;
        return {
          ...base,
          scriptPath: pacedScript(rate),
          c: o.rateConnections,
          t,
          durationS: o.rateDurationS,
          pacedRps: rate,
        };
      }
    }
  };
}

/**
 * Warmup (unmeasured), then one measured wrk run. CPU is read from /proc just before wrk starts
 * and just after it exits, for the target's process tree and the engine's.
 */
async function measure(
  ctx: RunContext,
  target: Target,
  phase: WrkPhase,
  round: number,
  plan: WrkPlan,
): Promise<RunRecord> {
  const o = ctx.options;
  const wrk: WrkRunOptions = {
    wrkPath: ctx.wrkPath,
    url: target.url + WORKLOAD.path,
    scriptPath: plan.scriptPath,
    threads: plan.t,
    connections: plan.c,
    durationS: plan.durationS,
    timeoutS: o.wrkTimeoutS,
    cpus: pinning(o).load,
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
    connections: plan.c,
    threads: plan.t,
    chunksPerRequest: plan.chunks,
    pacedRps: plan.pacedRps,
    requests: result.requests,
    durationS: result.durationS,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    p999Ms: result.p999Ms,
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
 * Before round 1, each target once under the throughput load for `--prime` seconds, unmeasured:
 * a process spends its first seconds compiling its hot paths (V8's compiler threads count in its
 * CPU) and filling its pools, and the first round should not measure that for some targets only.
 */
async function prime(ctx: RunContext, targets: readonly Target[]): Promise<void> {
  const o = ctx.options;
  if (o.primeS === 0) return;
  const scriptPath = writeWrkScript(ctx.tmpDir, 'chat.lua', WORKLOAD);
  for (const t of targets) {
    await runWrk(ctx.group, {
      wrkPath: ctx.wrkPath,
      url: t.url + WORKLOAD.path,
      scriptPath,
      threads: o.threads,
      connections: o.connections,
      durationS: o.primeS,
      timeoutS: o.wrkTimeoutS,
      cpus: pinning(o).load,
    });
  }
}

/**
 * The order of one round: the engine alone first, then per process count every proxy, so a
 * collie run sits next to the floor run it is divided by (the goals pair them by round).
 */
export function roundOrder<T extends Pick<Target, 'processes'>>(targets: readonly T[]): T[] {
  const key = (t: T): number => t.processes ?? 0;
  return targets
    .map((t, i) => [t, i] as const)
    .sort(([a, i], [b, j]) => key(a) - key(b) || i - j)
    .map(([t]) => t);
}

/**
 * Every phase × target, `repeat` rounds. Rounds are interleaved (each configuration once per
 * round, in {@link roundOrder}) so slow drift of the machine affects all configurations alike.
 */
export async function runMatrix(
  ctx: RunContext,
  targets: readonly Target[],
  listeners: RunListeners,
): Promise<Runs> {
  const wrk: RunRecord[] = [];
  const slowStreams: SlowStreamRecord[] = [];
  const planFor = createPlanner(ctx);
  const ordered = roundOrder(targets);
  await prime(ctx, ordered);
  for (let round = 1; round <= ctx.options.repeat; round++) {
    for (const phase of ctx.options.phases) {
      for (const target of ordered) {
        if (phase === 'slow-streams') {
          const run = await measureSlowStreams(ctx, target, round);
          slowStreams.push(run);
          listeners.onSlowStreams(run);
          continue;
        }
        const run = await measure(ctx, target, phase, round, planFor(phase, wrk));
        wrk.push(run);
        listeners.onRun(run);
      }
    }
  }
  return { wrk, slowStreams };
}
