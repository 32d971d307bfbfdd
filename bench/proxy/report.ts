import fs from 'node:fs';
import path from 'node:path';
import { fmt, formatTable } from '../lib/table';
import { socketErrorTotal } from '../lib/wrk';
import type { ProxyBenchOptions } from './options';
import type { RunRecord } from './runner';
import type { ConfigSummary, Summary } from './summary';
import { WORKLOAD } from './workload';

/** How the numbers are obtained; written into the JSON and printed under the tables. */
export function methodNotes(o: ProxyBenchOptions, clockTicks: number): Record<string, string> {
  return {
    load:
      `wrk --latency, closed loop, all on 127.0.0.1; throughput phase -c ${o.connections} ` +
      `-t ${o.threads}, ${o.durationS} s per run after a ${o.warmupS} s unmeasured warmup run.`,
    repeats:
      `Each configuration runs ${o.repeat} times; rounds are interleaved (every configuration ` +
      `once per round). Reported rps / p50 / p99 / CPU are per-metric medians over the runs; ` +
      `error counts are totals.`,
    cpu:
      `CPU per request = (utime + stime) summed over the proxy's process tree (collie: primary ` +
      `and its children; nginx: master and workers), read from /proc/<pid>/stat just before wrk ` +
      `starts and just after it exits, divided by the requests wrk completed. Engine CPU is ` +
      `measured the same way; "(primary/master)" is the root process's part (collie --workers 1 is a single process, so there it is all of it). Resolution 1/${clockTicks} s per process.`,
    addedLatency:
      `wrk has no constant-rate mode (wrk2 does), so instead of measuring at half of collie's ` +
      `max rate, the check runs closed-loop at low concurrency (-c ${o.latencyConnections} ` +
      `-t ${o.latencyThreads}) against the engine directly and through each proxy. ` +
      `added p99 = proxy p99 − direct p99 (medians). loadFractionOfMax = the check's rps ÷ the ` +
      `same target's throughput-phase rps, i.e. how close the check ran to half the max rate.`,
    ratios: 'collie ÷ nginx at the same process count (collie --workers N vs worker_processes N).',
    nginx:
      'generated config, daemon off, master_process on, listen 127.0.0.1 reuseport, ' +
      'upstream keepalive 256 with HTTP/1.1, keepalive_requests 1000000, access_log off.',
  };
}

const procs = (n: number | null): string => (n === null ? '-' : String(n));
const errors = (s: ConfigSummary): string => String(s.non2xx + socketErrorTotal(s.socketErrors));

/** The three tables: throughput, collie ÷ nginx, added latency. */
export function renderTables(summary: Summary, o: ProxyBenchOptions): string {
  const parts: string[] = [];
  if (summary.throughput.length > 0) {
    parts.push(
      `Throughput (wrk -c ${o.connections} -t ${o.threads}, ${o.durationS} s, median of ${o.repeat})`,
      formatTable(
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
        summary.throughput.map((s) => [
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
      ),
    );
  }
  if (summary.collieOverNginx.length > 0) {
    parts.push(
      '',
      'collie ÷ nginx at the same process count (req/s: higher is better; others: lower is better)',
      formatTable(
        ['procs', 'req/s', 'p50', 'p99', 'CPU/req'],
        summary.collieOverNginx.map((r) => [
          String(r.processes),
          fmt(r.rps, 2),
          fmt(r.p50Ms, 2),
          fmt(r.p99Ms, 2),
          fmt(r.cpuUsPerReq, 2),
        ]),
      ),
    );
  }
  if (summary.addedLatency.length > 0) {
    parts.push(
      '',
      `Added latency (closed loop, wrk -c ${o.latencyConnections} -t ${o.latencyThreads}; ` +
        `added = target − direct, medians; load = req/s ÷ the target's max req/s)`,
      formatTable(
        ['target', 'procs', 'req/s', 'load', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms'],
        summary.addedLatency.map((r) => [
          r.label,
          procs(r.processes),
          fmt(r.rps, 0),
          r.loadFractionOfMax === null ? '-' : `${fmt(r.loadFractionOfMax * 100, 0)}%`,
          fmt(r.p50Ms, 3),
          fmt(r.p99Ms, 3),
          fmt(r.addedP50Ms, 3),
          fmt(r.addedP99Ms, 3),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

export interface ProxyBenchReport {
  readonly bench: 'proxy';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: object;
  readonly tools: Readonly<Record<string, string>>;
  readonly options: ProxyBenchOptions;
  readonly workload: typeof WORKLOAD;
  readonly method: Readonly<Record<string, string>>;
  readonly summary: Summary;
  readonly warnings: readonly string[];
  readonly runs: readonly RunRecord[];
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
