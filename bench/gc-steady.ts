/**
 * Garbage collection of a gateway at a steady rate, the source of its p99.9: after a closed-loop
 * run (which grows every pool and table), collie is paced at a fixed rate and its own Prometheus
 * series say how many mark-compacts (major GCs) it ran and how long they paused it. A gateway
 * that leaves old-generation garbage per request runs one every few tens of seconds, each a
 * pause of several ms plus marking threads competing for the CPU. Compares this checkout with
 * another build (`<dir>:<policy>`, e.g. the previous commit's) in interleaved rounds.
 *
 *   npm run bench:gc-steady -- [--targets collie,collie-ca,<dir>:<policy>] [--rounds 3]
 *                              [--rate 2000] [--duration 30]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findBinary } from './lib/binaries';
import { startEngine, startGateway, type RunningServer } from './lib/collie';
import { getFreePorts } from './lib/free-port';
import { collieBuild, runBench, writeResultJson } from './lib/bench-main';
import type { ProcessGroup } from './lib/processes';
import { int, UsageError } from './proxy/option-values';
import { median } from './lib/stats';
import { runWrk, socketErrorTotal } from './lib/wrk';
import { writeWrkScript } from './lib/wrk-script';
import { WORKLOAD } from './proxy/workload';

interface Options {
  readonly targets: readonly string[];
  readonly rounds: number;
  readonly rate: number;
  readonly durationS: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string', default: 'collie,collie-ca' },
      rounds: { type: 'string', default: '3' },
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '30' },
    },
    strict: true,
  });
  const targets = values.targets.split(',').filter((t) => t !== '');
  for (const t of targets) {
    if (collieBuild(t) === undefined) {
      throw new UsageError(`unknown target "${t}": collie, collie-ca or <dir>:<policy>`);
    }
  }
  return {
    targets,
    rounds: int(values.rounds, 'rounds', 1),
    rate: int(values.rate, 'rate', 1),
    durationS: int(values.duration, 'duration', 1),
  };
}

interface Gateway {
  readonly spec: string;
  readonly server: RunningServer;
  readonly metricsUrl: string;
}

async function startTarget(
  group: ProcessGroup,
  spec: string,
  engine: RunningServer,
): Promise<Gateway> {
  const { bin, policy } = collieBuild(spec)!;
  if (!fs.existsSync(bin)) throw new Error(`no collie build at ${bin}`);
  const [metricsPort] = await getFreePorts(1);
  const server = await startGateway(group, {
    workerUrls: [engine.url],
    workers: 1,
    policy,
    collieBin: bin,
    name: spec,
    // the last --prometheus-port wins over startGateway's own 0
    extraArgs: ['--prometheus-port', String(metricsPort)],
  });
  return { spec, server, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** The GC series of one scrape: counts and seconds per kind, old-space bytes in use. */
interface GcReading {
  readonly majorCount: number;
  readonly majorSeconds: number;
  readonly minorCount: number;
  readonly minorSeconds: number;
  readonly oldBytes: number;
}

function series(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function readGc(g: Gateway): Promise<GcReading> {
  const res = await fetch(g.metricsUrl);
  if (!res.ok) throw new Error(`${g.metricsUrl}: HTTP ${res.status}`);
  const text = await res.text();
  return {
    majorCount: series(text, 'nodejs_gc_duration_seconds_count', 'kind="major"'),
    majorSeconds: series(text, 'nodejs_gc_duration_seconds_sum', 'kind="major"'),
    minorCount: series(text, 'nodejs_gc_duration_seconds_count', 'kind="minor"'),
    minorSeconds: series(text, 'nodejs_gc_duration_seconds_sum', 'kind="minor"'),
    oldBytes: series(text, 'nodejs_heap_space_size_used_bytes', 'space="old"'),
  };
}

interface Run {
  readonly target: string;
  readonly round: number;
  readonly requests: number;
  readonly rps: number;
  /** Non-2xx answers and socket errors: a run with errors measured something else. */
  readonly errors: number;
  readonly p99Ms: number;
  readonly p999Ms: number | null;
  readonly majorGcs: number;
  readonly majorGcPauseMs: number;
  readonly minorGcs: number;
  readonly minorGcPauseMs: number;
  /** Old-space bytes in use, after − before (meaningful only without a major GC in between). */
  readonly oldGrowthBytes: number;
}

async function measure(
  group: ProcessGroup,
  ctx: { wrkPath: string; closedScript: string; pacedScript: string },
  g: Gateway,
  round: number,
  o: Options,
): Promise<Run> {
  const url = g.server.url + WORKLOAD.path;
  const base = { wrkPath: ctx.wrkPath, url, timeoutS: 5 };
  // closed loop first: grows the pools and tables the steady phase then runs with
  await runWrk(group, {
    ...base,
    scriptPath: ctx.closedScript,
    threads: 2,
    connections: 64,
    durationS: 5,
  });
  const before = await readGc(g);
  const { result } = await runWrk(group, {
    ...base,
    scriptPath: ctx.pacedScript,
    threads: 1,
    connections: 50,
    durationS: o.durationS,
  });
  const after = await readGc(g);
  return {
    target: g.spec,
    round,
    requests: result.requests,
    rps: result.rps,
    errors: result.non2xx + socketErrorTotal(result.socketErrors),
    p99Ms: result.p99Ms,
    p999Ms: result.p999Ms,
    majorGcs: after.majorCount - before.majorCount,
    majorGcPauseMs: (after.majorSeconds - before.majorSeconds) * 1000,
    minorGcs: after.minorCount - before.minorCount,
    minorGcPauseMs: (after.minorSeconds - before.minorSeconds) * 1000,
    oldGrowthBytes: after.oldBytes - before.oldBytes,
  };
}

async function run(o: Options, group: ProcessGroup): Promise<void> {
  const wrkPath = findBinary('wrk');
  if (wrkPath === undefined) throw new Error('bench:gc-steady needs wrk (apt-get install -y wrk)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-steady-'));
  group.onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const ctx = {
    wrkPath,
    closedScript: writeWrkScript(tmp, 'chat.lua', WORKLOAD),
    pacedScript: writeWrkScript(tmp, 'paced.lua', WORKLOAD, { rate: o.rate, connections: 50 }),
  };
  const engine = await startEngine(group, { kind: 'uws', model: WORKLOAD.model });
  const gateways: Gateway[] = [];
  for (const spec of o.targets) gateways.push(await startTarget(group, spec, engine));
  const runs: Run[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    for (const g of gateways) {
      const r = await measure(group, ctx, g, round, o);
      runs.push(r);
      process.stdout.write(
        `[${round}/${o.rounds}] ${g.spec.padEnd(24)} ${r.rps.toFixed(0)} req/s  ` +
          `major GCs ${r.majorGcs} (${r.majorGcPauseMs.toFixed(1)} ms)  ` +
          `minor ${r.minorGcs} (${r.minorGcPauseMs.toFixed(1)} ms)  ` +
          `old +${(r.oldGrowthBytes / 1e6).toFixed(2)} MB  p99.9 ${r.p999Ms ?? '-'} ms` +
          `${r.errors > 0 ? `  ERRORS ${r.errors}` : ''}\n`,
      );
    }
  }
  const summary = o.targets.map((t) => {
    const mine = runs.filter((r) => r.target === t);
    const minutes = (o.durationS * mine.length) / 60;
    const pick = (f: (r: Run) => number | null): number[] =>
      mine.map(f).filter((v): v is number => v !== null);
    return {
      target: t,
      majorGcsPerMinute: mine.reduce((s, r) => s + r.majorGcs, 0) / minutes,
      majorGcPauseMsPerMinute: mine.reduce((s, r) => s + r.majorGcPauseMs, 0) / minutes,
      minorGcsPerMinute: mine.reduce((s, r) => s + r.minorGcs, 0) / minutes,
      medianP999Ms: median(pick((r) => r.p999Ms)),
      medianP99Ms: median(pick((r) => r.p99Ms)),
    };
  });
  for (const s of summary) {
    process.stdout.write(
      `${s.target.padEnd(24)} major GCs/min ${s.majorGcsPerMinute.toFixed(2)} ` +
        `(${s.majorGcPauseMsPerMinute.toFixed(1)} ms/min)  minor/min ${s.minorGcsPerMinute.toFixed(0)}  ` +
        `p99 ${s.medianP99Ms.toFixed(2)} ms  p99.9 ${s.medianP999Ms.toFixed(2)} ms (medians)\n`,
    );
  }
  const result = {
    bench: 'gc-steady',
    at: new Date().toISOString(),
    options: o,
    method:
      `Per round and target: wrk -t2 -c64 closed loop for 5 s, then wrk paced at ${o.rate} req/s ` +
      `(-c50, Lua delay) for ${o.durationS} s; GC counts and pause sums are the differences of ` +
      "collie's own nodejs_gc_duration_seconds{kind} series scraped before and after the paced " +
      'run (prom-client, from perf_hooks GC entries). One engine (bench/lib/uws-engine.ts), ' +
      'collie --workers 1, everything unpinned on 127.0.0.1.',
    runs,
    summary,
  };
  writeResultJson('gc-steady', result.at, result);
}

runBench('bench:gc-steady', options, run);
