import path from 'node:path';
import { cpuDelta, snapshotTreeCpu } from '../lib/proc-cpu';
import { describeExit, raceTimeout, TIMED_OUT } from '../lib/processes';
import { median } from '../lib/stats';
import type { BurstResult } from '../lib/stream-burst';
import type { TargetKind } from './options';
import type { RunContext } from './runner';
import type { Target } from './targets';
import { streamWorkload } from './workload';

/** Handshakes the client keeps in flight while it opens its connections (before the clock). */
const CONNECT_CONCURRENCY = 200;

/** One slow-stream burst against one target (bench/lib/stream-burst.ts). Times in ms. */
export interface SlowStreamRecord extends Omit<BurstResult, 'errors'> {
  readonly target: string;
  readonly round: number;
  readonly chunks: number;
  readonly chunkDelayMs: number;
  /** chunks × delay: the time one stream takes at the engine. */
  readonly nominalMs: number;
  readonly errors: Readonly<Record<string, number>>;
  /** CPU seconds of the target's process tree during the burst (connects included); null for direct. */
  readonly proxyCpuS: number | null;
  readonly engineCpuS: number;
}

function clientTimeoutMs(nominalMs: number): number {
  return Math.max(60_000, 20 * nominalMs + 10_000);
}

/** Runs the load client as a child process and parses its one JSON line. */
async function runClient(ctx: RunContext, target: Target): Promise<BurstResult> {
  const o = ctx.options;
  const workload = streamWorkload(o.slowChunks, o.slowChunkDelayMs);
  const timeoutMs = clientTimeoutMs(o.slowChunks * o.slowChunkDelayMs);
  const args = [
    path.join(__dirname, '..', 'lib', 'stream-burst.js'),
    ...['--url', target.url + workload.path, '--body', workload.body],
    ...['--count', String(o.slowStreams), '--expect-chunks', String(o.slowChunks)],
    ...['--connect-concurrency', String(CONNECT_CONCURRENCY), '--timeout-ms', String(timeoutMs)],
  ];
  const child = ctx.group.spawn('stream-burst', process.execPath, args);
  const info = await raceTimeout(child.exited, timeoutMs + 30_000);
  if (info === TIMED_OUT) {
    await ctx.group.stop(child, 1000);
    throw new Error(`stream-burst did not finish: ${describeExit(child)}`);
  }
  await ctx.group.stop(child, 0);
  if (info.code !== 0) throw new Error(describeExit(child, info));
  const line = child.stdout().trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as BurstResult;
}

/** A burst whose client failed outright (e.g. connections refused): every stream failed. */
function failedBurst(o: RunContext['options'], err: unknown): BurstResult {
  const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'error';
  return {
    requested: o.slowStreams,
    completed: 0,
    failed: o.slowStreams,
    errors: { [`client failed: ${reason.slice(0, 200)}`]: o.slowStreams },
    connectMs: 0,
    wallMs: 0,
    p50Ms: null,
    p99Ms: null,
    maxMs: null,
  };
}

export async function measureSlowStreams(
  ctx: RunContext,
  target: Target,
  round: number,
): Promise<SlowStreamRecord> {
  const o = ctx.options;
  const isProxy = target.kind !== 'direct';
  const proxyBefore = isProxy ? snapshotTreeCpu(target.rootPid) : undefined;
  const engineBefore = snapshotTreeCpu(ctx.enginePid);
  const burst = await runClient(ctx, target).catch((err: unknown) => failedBurst(o, err));
  const engine = cpuDelta(engineBefore, snapshotTreeCpu(ctx.enginePid));
  const proxy = proxyBefore && cpuDelta(proxyBefore, snapshotTreeCpu(target.rootPid));
  return {
    ...burst,
    target: target.id,
    round,
    chunks: o.slowChunks,
    chunkDelayMs: o.slowChunkDelayMs,
    nominalMs: o.slowChunks * o.slowChunkDelayMs,
    proxyCpuS: proxy?.seconds ?? null,
    engineCpuS: engine.seconds,
  };
}

/** Medians over the rounds of one target; failures are totals. */
export interface SlowStreamSummary {
  readonly target: string;
  readonly kind: TargetKind;
  readonly processes: number | null;
  readonly label: string;
  readonly runs: number;
  readonly streams: number;
  readonly nominalMs: number;
  readonly wallMs: number;
  /** Each round's wallMs, keyed by round number (the goals pair rounds). */
  readonly wallMsByRound: Readonly<Record<string, number>>;
  readonly p50Ms: number | null;
  readonly connectMs: number;
  readonly proxyCpuS: number | null;
  /** Totals over the runs. */
  readonly completed: number;
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
}

export function summarizeSlowStreams(
  targets: readonly Target[],
  runs: readonly SlowStreamRecord[],
): SlowStreamSummary[] {
  return targets.flatMap((t) => {
    const mine = runs.filter((r) => r.target === t.id);
    const first = mine[0];
    if (first === undefined) return [];
    const errors: Record<string, number> = {};
    for (const r of mine) {
      for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    }
    const p50s = mine.flatMap((r) => (r.p50Ms === null ? [] : [r.p50Ms]));
    const cpus = mine.flatMap((r) => (r.proxyCpuS === null ? [] : [r.proxyCpuS]));
    return [
      {
        target: t.id,
        kind: t.kind,
        processes: t.processes,
        label: t.label,
        runs: mine.length,
        streams: first.requested,
        nominalMs: first.nominalMs,
        wallMs: median(mine.map((r) => r.wallMs)),
        wallMsByRound: Object.fromEntries(mine.map((r) => [r.round, r.wallMs])),
        p50Ms: p50s.length > 0 ? median(p50s) : null,
        connectMs: median(mine.map((r) => r.connectMs)),
        proxyCpuS: cpus.length > 0 ? median(cpus) : null,
        completed: mine.reduce((a, r) => a + r.completed, 0),
        failed: mine.reduce((a, r) => a + r.failed, 0),
        errors,
      },
    ];
  });
}
