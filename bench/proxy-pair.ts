/**
 * CPU per request of two proxies measured at the same moment, on the same core: the answer to a
 * shared VM whose speed drifts between (and during) the runs of an alternating bench. Both
 * proxies run pinned to CPU 0 (one process each), the engine and one wrk per proxy on the other
 * CPUs; each pair of runs is simultaneous, so whatever the machine does it does to both. Reports
 * B ÷ A per pair and the median over the pairs (JSON in bench/results/). Non-streaming chat, the
 * bench:proxy workload.
 *
 *   npm run bench:proxy-pair -- [--a floor|collie|collie-ca|<dir>:<policy>] [--b …] [--pairs 5]
 *                               [--duration 8] [--warmup 3] [--connections 32] [--processes 1]
 *
 * --processes N runs each target as N processes (the floor's relays, collie --workers N and
 * its primary), all still on CPU 0: CPU per request of the multi-process configurations.
 *
 * A target is floor (bench/lib/floor-relay.ts), collie (round_robin) or collie-ca (cache_aware)
 * from this checkout, or `<dir>:<policy>`: another build's directory (a copy of dist/, bin/,
 * build/ and package.json, e.g. the previous commit's) with a policy, to compare two builds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findBinary } from './lib/binaries';
import { startEngine, startFloor, startGateway, type RunningServer } from './lib/collie';
import { median } from './lib/stats';
import { int, UsageError } from './proxy/option-values';
import { cpuDelta, snapshotTreeCpu } from './lib/proc-cpu';
import { collieBuild, runBench, writeResultJson } from './lib/bench-main';
import type { ProcessGroup } from './lib/processes';
import { runWrk } from './lib/wrk';
import { writeWrkScript } from './lib/wrk-script';
import { WORKLOAD } from './proxy/workload';

interface PairOptions {
  readonly a: string;
  readonly b: string;
  readonly pairs: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Processes per target: the floor's relays, collie's --workers. */
  readonly processes: number;
}

function options(): PairOptions {
  const { values } = parseArgs({
    options: {
      a: { type: 'string', default: 'floor' },
      b: { type: 'string', default: 'collie' },
      pairs: { type: 'string', default: '5' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      processes: { type: 'string', default: '1' },
    },
    strict: true,
  });
  return {
    a: target(values.a),
    b: target(values.b),
    pairs: int(values.pairs, 'pairs', 1),
    durationS: int(values.duration, 'duration', 1),
    warmupS: int(values.warmup, 'warmup', 1),
    connections: int(values.connections, 'connections', 1),
    processes: int(values.processes, 'processes', 1),
  };
}

/** `floor`, `collie`, `collie-ca` or `<dir>:<policy>`; anything else is refused. */
function target(spec: string): string {
  if (spec !== 'floor' && collieBuild(spec) === undefined) {
    throw new UsageError(`unknown target "${spec}": floor, collie, collie-ca or <dir>:<policy>`);
  }
  return spec;
}

/** Starts one target with `processes` processes, all on CPU 0, in front of `engine`. */
async function startTarget(
  group: ProcessGroup,
  spec: string,
  engine: RunningServer,
  processes: number,
): Promise<RunningServer> {
  if (spec === 'floor') return startFloor(group, { upstreamUrl: engine.url, processes, cpus: '0' });
  const { bin, policy } = collieBuild(spec)!;
  if (!fs.existsSync(bin)) throw new Error(`no collie build at ${bin}`);
  return startGateway(group, {
    workerUrls: [engine.url],
    workers: processes,
    policy,
    cpus: '0',
    collieBin: bin,
    name: `${spec}`,
  });
}

async function run(o: PairOptions, group: ProcessGroup): Promise<void> {
  const wrkPath = findBinary('wrk');
  if (wrkPath === undefined) throw new Error('bench:proxy-pair needs wrk (apt-get install -y wrk)');
  const cpus = os.cpus().length;
  if (cpus < 2) throw new Error('bench:proxy-pair needs 2 CPUs (proxies on 0, load on the rest)');
  const load = cpus === 2 ? '1' : `1-${cpus - 1}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-pair-'));
  group.onCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const script = writeWrkScript(tmp, 'chat.lua', WORKLOAD);
  const engine = await startEngine(group, { kind: 'uws', model: WORKLOAD.model, cpus: load });
  const a = await startTarget(group, o.a, engine, o.processes);
  const b = await startTarget(group, o.b, engine, o.processes);
  const wrk = (t: RunningServer, durationS: number) =>
    runWrk(group, {
      wrkPath,
      url: t.url + WORKLOAD.path,
      scriptPath: script,
      threads: 1,
      connections: o.connections,
      durationS,
      timeoutS: 5,
      cpus: load,
    });
  const pairs: Array<{
    aUsPerReq: number;
    bUsPerReq: number;
    ratio: number;
    proxyCoreBusy: number;
  }> = [];
  for (let i = 0; i < o.pairs; i++) {
    await Promise.all([wrk(a, o.warmupS), wrk(b, o.warmupS)]);
    const [a0, b0] = [snapshotTreeCpu(a.child.pid), snapshotTreeCpu(b.child.pid)];
    const [ra, rb] = await Promise.all([wrk(a, o.durationS), wrk(b, o.durationS)]);
    const ca = cpuDelta(a0, snapshotTreeCpu(a.child.pid)).seconds;
    const cb = cpuDelta(b0, snapshotTreeCpu(b.child.pid)).seconds;
    const aUs = (ca * 1e6) / ra.result.requests;
    const bUs = (cb * 1e6) / rb.result.requests;
    // the proxies' share of their core: below ~0.9 the load side, not the proxies, set the pace
    const proxyCoreBusy = (ca + cb) / o.durationS;
    pairs.push({ aUsPerReq: aUs, bUsPerReq: bUs, ratio: bUs / aUs, proxyCoreBusy });
    process.stdout.write(
      `[${i + 1}/${o.pairs}] ${o.a} ${aUs.toFixed(1)} µs/req · ${o.b} ${bUs.toFixed(1)} µs/req · ` +
        `${o.b} ÷ ${o.a} ${(bUs / aUs).toFixed(3)} · proxies' core busy ${proxyCoreBusy.toFixed(2)}\n`,
    );
  }
  const result = {
    bench: 'proxy-pair',
    at: new Date().toISOString(),
    a: o.a,
    b: o.b,
    options: o,
    method:
      `Both targets pinned to CPU 0 (${o.processes} process(es) each: the floor's relays, ` +
      "collie's --workers, plus collie's primary when above 1), the engine and one wrk per " +
      'target on ' +
      `CPUs ${load}; each pair's runs are simultaneous (after a simultaneous warmup). CPU per ` +
      'request = utime + stime of the target’s process tree over its run ÷ requests completed. ' +
      'proxyCoreBusy = both targets’ CPU seconds ÷ the run’s seconds (1 = CPU 0 saturated).',
    pairs,
    medianRatio: median(pairs.map((p) => p.ratio)),
    medianProxyCoreBusy: median(pairs.map((p) => p.proxyCoreBusy)),
  };
  if (result.medianProxyCoreBusy < 0.9) {
    process.stdout.write(
      `WARNING: the proxies kept their core only ${result.medianProxyCoreBusy.toFixed(2)} busy: ` +
        'the engine or wrk was the bottleneck\n',
    );
  }
  process.stdout.write(`median ${o.b} ÷ ${o.a}: ${result.medianRatio.toFixed(3)}\n`);
  writeResultJson('proxy-pair', result.at, result);
}

runBench('bench:proxy-pair', options, run);
