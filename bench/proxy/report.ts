import fs from 'node:fs';
import path from 'node:path';
import type { ProxyBenchOptions } from './options';
import { AUTO_RATE_FRACTION, type RunRecord } from './runner';
import type { SlowStreamRecord } from './slow-streams';
import type { Summary } from './summary';
import { streamWorkload, WORKLOAD, type StreamWorkload } from './workload';
import { pinning } from './pinning';

/** How the numbers are obtained; written into the JSON and printed under the tables. */
export function methodNotes(o: ProxyBenchOptions, clockTicks: number): Record<string, string> {
  const rate =
    o.rate === 'auto'
      ? `${AUTO_RATE_FRACTION * 100}% of the slowest target's round-1 throughput`
      : `${o.rate} req/s`;
  return {
    load:
      `wrk --latency, closed loop, all on 127.0.0.1; throughput and streaming phases -c ` +
      `${o.connections} -t ${o.threads}, ${o.durationS} s per run after a ${o.warmupS} s ` +
      `unmeasured warmup run; before round 1 each target ran ${o.primeS} s of that load, ` +
      `unmeasured. Percentiles above 99 come from the script's done() ` +
      `(latency:percentile), the rest from wrk's Latency Distribution.`,
    placement: o.pin
      ? `--pin: each proxy on CPUs of its own (${pinning(o).proxy(1) ?? ''} for one process), ` +
        `the engine and wrk on ${pinning(o).load ?? ''} (taskset), so the proxy never shares a ` +
        `core or its caches with the load side.`
      : 'unpinned: proxy, engine and wrk share every CPU (the scheduler places them).',
    repeats:
      `Each configuration runs ${o.repeat} times; rounds are interleaved (every configuration ` +
      `once per round). Reported figures are per-metric medians over the runs; error counts ` +
      `are totals. Ratios are ratios of medians.`,
    engine:
      `${o.engine} engine, ${o.engineProcesses} process(es). uws (default) is a uWebSockets.js ` +
      `server with pre-rendered answers (bench/lib/uws-engine.ts): a few µs of CPU per request, ` +
      `so the proxies, not the engine, saturate. See the engine CPU columns.`,
    floor:
      'bench/lib/floor-relay.ts: uWS (loaded as collie loads it) + one undici Pool (no ' +
      "connection cap, collie's other pool options) via the legacy dispatch handler; reads the " +
      'body, relays status, headers and body, streams SSE with backpressure. No routing, no ' +
      'validation, no metrics: the cost of the stack itself.',
    cpu:
      `CPU per request = (utime + stime) summed over the proxy's process tree (collie: primary ` +
      `and its children; nginx: master and workers; floor: the cluster primary and workers), ` +
      `read from /proc/<pid>/stat just before wrk starts and just after it exits, divided by ` +
      `the requests wrk completed. CPU per chunk (streaming) = CPU per request ÷ ` +
      `${o.streamChunks}; the engine writes each chunk in its own event-loop turn, but under ` +
      `load a proxy may read several in one go, as with a real engine. "(primary/master)" is ` +
      `the root process's part. Resolution 1/${clockTicks} s per process.`,
    addedLatency:
      `Closed loop at low concurrency (-c ${o.latencyConnections} -t ${o.latencyThreads}) ` +
      `against the engine directly and through each proxy; added = proxy − direct (medians).`,
    fixedRate:
      `wrk paced by its Lua delay(): each of -c ${o.rateConnections} connections waits a ` +
      `uniform random 0..2×(connections ÷ rate) ms before each request, so the aggregate ` +
      `averages ${rate} without lockstep; ${o.rateDurationS} s per run. Latency is timed from ` +
      `when each request is written. added p50/p99/p99.9 = proxy − direct (medians).`,
    slowStreams:
      `bench/lib/stream-burst.ts (own process): opens ${o.slowStreams} connections to the ` +
      `target (at most 200 handshakes in flight, not timed), then writes one streaming request ` +
      `on each at once; each stream is ${o.slowChunks} chunks, one every ${o.slowChunkDelayMs} ` +
      `ms, with Connection: close from the engine so every burst opens fresh upstream ` +
      `connections. "all done" = first request written → last stream complete (200, framed, ` +
      `${o.slowChunks} chunks, data: [DONE]). A proxy that caps its upstream connections ` +
      `queues the rest and takes a multiple of the floor's time.`,
    ratios:
      'collie ÷ floor and collie ÷ nginx at the same process count, paired by round: the ' +
      'median over rounds of the two values measured in the same round (value and reference ' +
      'columns are the medians; roundRatios in the JSON); targets from the issue: ' +
      'CPU/req ≤ 1.5× floor (round_robin), ≤ 1.8× (cache_aware); CPU/chunk ≤ 1.1×; added ' +
      'p99 ≤ 2 ms and p99.9 ≤ 5 ms at the fixed rate; slow streams ≤ 1.2× the floor’s time.',
    nginx:
      'generated config, daemon off, master_process on, listen 127.0.0.1 reuseport ' +
      'backlog=4096, upstream keepalive 256 with HTTP/1.1, keepalive_requests 1000000, ' +
      'proxy_buffering off, access_log off, worker_connections sized for the slow streams.',
  };
}

export interface ProxyBenchReport {
  readonly bench: 'proxy';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: object;
  readonly tools: Readonly<Record<string, string>>;
  readonly options: ProxyBenchOptions;
  readonly workload: typeof WORKLOAD;
  readonly workloads: {
    readonly chat: typeof WORKLOAD;
    readonly streaming: StreamWorkload;
    readonly slowStream: StreamWorkload;
  };
  readonly method: Readonly<Record<string, string>>;
  readonly summary: Summary;
  /** The same as summary.ratios, at the top for readers looking for the verdicts. */
  readonly ratios: Summary['ratios'];
  readonly warnings: readonly string[];
  readonly runs: readonly RunRecord[];
  readonly slowStreamRuns: readonly SlowStreamRecord[];
}

export function workloadsOf(o: ProxyBenchOptions): ProxyBenchReport['workloads'] {
  return {
    chat: WORKLOAD,
    streaming: streamWorkload(o.streamChunks),
    slowStream: streamWorkload(o.slowChunks, o.slowChunkDelayMs),
  };
}

/**
 * Writes proxy-<timestamp>.json and proxy-latest.json into `dir` (each via a .tmp file and a
 * rename, so a reader never sees half a file). Returns both paths.
 */
export function writeReport(dir: string, report: ProxyBenchReport): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  return [`proxy-${stamp}.json`, 'proxy-latest.json'].map((name) => {
    const file = path.join(dir, name);
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
    return file;
  });
}
