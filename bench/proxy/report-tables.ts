import { fmt, formatTable } from '../lib/table';
import { socketErrorTotal } from '../lib/wrk';
import type { GoalRow } from './goals';
import type { ProxyBenchOptions } from './options';
import type { SlowStreamSummary } from './slow-streams';
import type { AddedLatencyRow, ConfigSummary, RatioRow, Summary } from './summary';

const procs = (n: number | null): string => (n === null ? '-' : String(n));
const errors = (s: ConfigSummary): string => String(s.non2xx + socketErrorTotal(s.socketErrors));
const pct = (f: number | null): string => (f === null ? '-' : `${fmt(f * 100, 0)}%`);

function throughputTable(rows: readonly ConfigSummary[]): string {
  return formatTable(
    [
      'target',
      'procs',
      'req/s',
      'p50 ms',
      'p99 ms',
      'proxy CPU µs/req',
      '(primary/master)',
      'engine CPU µs/req',
      'errors',
    ],
    rows.map((s) => [
      s.label,
      procs(s.processes),
      fmt(s.rps, 0),
      fmt(s.p50Ms, 3),
      fmt(s.p99Ms, 3),
      fmt(s.proxyCpuUsPerReq, 1),
      fmt(s.proxyRootCpuUsPerReq, 1),
      fmt(s.engineCpuUsPerReq, 1),
      errors(s),
    ]),
  );
}

function streamingTable(rows: readonly ConfigSummary[]): string {
  return formatTable(
    [
      'target',
      'procs',
      'req/s',
      'chunks/s',
      'p50 ms',
      'p99 ms',
      'proxy CPU µs/chunk',
      'µs/req',
      'engine CPU µs/req',
      'errors',
    ],
    rows.map((s) => [
      s.label,
      procs(s.processes),
      fmt(s.rps, 0),
      fmt(s.rps * s.chunksPerRequest, 0),
      fmt(s.p50Ms, 3),
      fmt(s.p99Ms, 3),
      fmt(s.proxyCpuUsPerChunk, 2),
      fmt(s.proxyCpuUsPerReq, 1),
      fmt(s.engineCpuUsPerReq, 1),
      errors(s),
    ]),
  );
}

function nginxRatioTable(rows: readonly RatioRow[]): string {
  return formatTable(
    ['target', 'req/s', 'p50', 'p99', 'CPU/req'],
    rows.map((r) => [
      r.target,
      fmt(r.rps, 2),
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      fmt(r.cpuUsPerReq, 2),
    ]),
  );
}

function addedTable(rows: readonly AddedLatencyRow[], paced: readonly ConfigSummary[]): string {
  const pacedOf = (target: string): number | null =>
    paced.find((p) => p.target === target)?.pacedRps ?? null;
  return formatTable(
    [
      'target',
      'procs',
      'paced',
      'req/s',
      'load',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      '+p50 ms',
      '+p99 ms',
      '+p99.9 ms',
    ],
    rows.map((r) => [
      r.label,
      procs(r.processes),
      fmt(pacedOf(r.target), 0),
      fmt(r.rps, 0),
      pct(r.loadFractionOfMax),
      fmt(r.p50Ms, 3),
      fmt(r.p99Ms, 3),
      fmt(r.p999Ms, 3),
      fmt(r.addedP50Ms, 3),
      fmt(r.addedP99Ms, 3),
      fmt(r.addedP999Ms, 3),
    ]),
  );
}

function slowStreamsTable(rows: readonly SlowStreamSummary[]): string {
  const s = (ms: number | null): string => (ms === null ? '-' : fmt(ms / 1000, 2));
  return formatTable(
    [
      'target',
      'procs',
      'streams',
      'complete',
      'failed',
      'all done s',
      'p50 s',
      'connect s',
      'proxy CPU s',
    ],
    rows.map((r) => [
      r.label,
      procs(r.processes),
      String(r.streams),
      String(r.completed),
      String(r.failed),
      s(r.wallMs),
      s(r.p50Ms),
      s(r.connectMs),
      fmt(r.proxyCpuS, 2),
    ]),
  );
}

function goalsTable(rows: readonly GoalRow[]): string {
  return formatTable(
    ['check', 'target', 'vs', 'value', 'reference', 'ratio', 'target from the issue', 'verdict'],
    rows.map((g) => [
      g.check,
      g.target,
      g.versus,
      `${fmt(g.value, g.unit === 'ms' ? 3 : 2)} ${g.unit}`,
      fmt(g.reference, g.unit === 'ms' ? 3 : 2),
      fmt(g.ratio, 2),
      g.goal ?? '(context)',
      g.verdict ?? '',
    ]),
    ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
  );
}

/** Every table that has data, in phase order, then the ratios against the targets. */
export function renderTables(summary: Summary, o: ProxyBenchOptions): string {
  const m = `median of ${o.repeat}`;
  const sections: [string, boolean, () => string][] = [
    [
      `Throughput, non-streaming chat (wrk -c ${o.connections} -t ${o.threads}, ${o.durationS} s, ${m})`,
      summary.throughput.length > 0,
      () => throughputTable(summary.throughput),
    ],
    [
      `Streaming chat, ${o.streamChunks} chunks back to back (wrk -c ${o.connections} -t ${o.threads}, ${o.durationS} s, ${m})`,
      summary.streaming.length > 0,
      () => streamingTable(summary.streaming),
    ],
    [
      'collie ÷ nginx at the same process count, throughput (req/s: higher is better; others: lower is better)',
      summary.collieOverNginx.length > 0,
      () => nginxRatioTable(summary.collieOverNginx),
    ],
    [
      `Added latency, closed loop (wrk -c ${o.latencyConnections} -t ${o.latencyThreads}; + = target − direct; load = req/s ÷ its max)`,
      summary.addedLatency.length > 0,
      () => addedTable(summary.addedLatency, []),
    ],
    [
      `Added latency at a fixed rate (wrk -c ${o.rateConnections} paced, ${o.rateDurationS} s, ${m}; + = target − direct)`,
      summary.addedLatencyFixedRate.length > 0,
      () => addedTable(summary.addedLatencyFixedRate, summary.fixedRate),
    ],
    [
      `Slow streams: ${o.slowStreams} at once, ${o.slowChunks} chunks × ${o.slowChunkDelayMs} ms each (${m}; "all done" = burst start → last stream)`,
      summary.slowStreams.length > 0,
      () => slowStreamsTable(summary.slowStreams),
    ],
    [
      'Ratios: collie vs the floor (uWS + undici relay) and nginx, against the issue’s targets',
      summary.ratios.length > 0,
      () => goalsTable(summary.ratios),
    ],
  ];
  return sections
    .filter(([, present]) => present)
    .map(([title, , table]) => `${title}\n${table()}`)
    .join('\n\n');
}
