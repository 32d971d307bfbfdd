/**
 * What the operator console costs the gateway. Three identical gateways (round_robin, the same
 * `--workers`) in front of one cheap engine (bench/lib/uws-engine.ts): `off` runs with
 * --disable-dashboard, `unwatched` with the console on and nobody watching, `watched` with the
 * console on and `--watchers` SSE clients of /dashboard/api/events connected all along.
 *
 * Each round gives every gateway a load slice of `--duration` seconds (order rotated per round)
 * — `--connections` closed loops of non-streaming chat completions from this process (undici) —
 * then one idle slice in which all three are measured together. CPU is utime + stime of each
 * gateway's process tree (primary + ingress processes). Medians over `--runs` rounds; short
 * interleaved slices keep a busy, shared machine's drift off the comparison.
 *
 *   npm run bench:dashboard [-- --duration 2 --runs 10 --connections 32 --workers 1 --watchers 10]
 *
 * Writes bench/results/dashboard-<timestamp>.json and bench/results/dashboard-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool, request } from 'undici';
import { createProcessGroup, installExitHandlers } from './lib/processes';
import { checkJsonRequest, startEngine, startGateway, type RunningServer } from './lib/collie';
import { repoRoot } from './lib/paths';
import { fmt, formatTable } from './lib/table';
import { median } from './lib/stats';
import { machineInfo } from './lib/machine';
import { cpuDelta, snapshotTreeCpu } from './lib/proc-cpu';

const MODEL = 'bench-model';
const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'hello' }],
  max_tokens: 8,
});

/** `connections` closed loops for `seconds`; returns completed requests per second. */
async function loadFor(url: string, connections: number, seconds: number): Promise<number> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const r = await pool.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      });
      await r.body.dump();
      if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode} from ${url}`);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return done / elapsed;
}

interface Watchers {
  /** Snapshots received so far, per watcher. */
  counts(): number[];
  close(): Promise<void>;
}

/** `n` SSE clients of the console's event stream, each counting the snapshots it gets. */
async function watch(url: string, n: number): Promise<Watchers> {
  const ac = new AbortController();
  const counts = new Array<number>(n).fill(0);
  const streams = Array.from({ length: n }, async (_, i) => {
    const r = await request(`${url}/dashboard/api/events`, { signal: ac.signal });
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of r.body as AsyncIterable<Buffer>) {
      // count whole frames: a chunk may end inside one
      const frames = (pending + decoder.decode(chunk, { stream: true })).split('\n\n');
      pending = frames.pop() ?? '';
      counts[i] = (counts[i] ?? 0) + frames.filter((f) => f.startsWith('event: snapshot')).length;
    }
  });
  const ended = Promise.allSettled(streams);
  // measure only once every watcher is live
  const deadline = Date.now() + 10_000;
  while (counts.some((c) => c === 0)) {
    if (Date.now() > deadline) throw new Error('watchers got no snapshot within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    counts: () => [...counts],
    async close() {
      ac.abort();
      await ended;
    },
  };
}

const GATEWAYS = ['off', 'unwatched', 'watched'] as const;
type Gw = (typeof GATEWAYS)[number];

/** One round: a load slice per gateway (rotated order), then one idle slice for all three. */
interface Round {
  readonly load: Record<Gw, { readonly reqPerSec: number; readonly cpuPerSec: number }>;
  /** Gateway CPU s/s without traffic, measured over the same seconds for all three. */
  readonly idleCpuPerSec: Record<Gw, number>;
}

/** Runs `work` while measuring the CPU of every gateway's process tree; CPU is per second. */
async function measured<T>(
  gws: Record<Gw, RunningServer>,
  work: () => Promise<T>,
): Promise<{ result: T; cpuPerSec: Record<Gw, number> }> {
  const before = GATEWAYS.map((g) => snapshotTreeCpu(gws[g].child.pid));
  const t0 = performance.now();
  const result = await work();
  const wall = (performance.now() - t0) / 1000;
  const cpu = GATEWAYS.map(
    (g, i) => cpuDelta(before[i] ?? new Map(), snapshotTreeCpu(gws[g].child.pid)).seconds / wall,
  );
  return {
    result,
    cpuPerSec: Object.fromEntries(GATEWAYS.map((g, i) => [g, cpu[i] ?? 0])) as Record<Gw, number>,
  };
}

async function round(
  gws: Record<Gw, RunningServer>,
  index: number,
  o: { seconds: number; connections: number },
): Promise<Round> {
  const load: Partial<Round['load']> = {};
  // rotate the order: a drift in the machine's load does not always hit the same gateway
  for (let k = 0; k < GATEWAYS.length; k++) {
    const g = GATEWAYS[(index + k) % GATEWAYS.length] as Gw;
    const m = await measured(gws, () => loadFor(gws[g].url, o.connections, o.seconds));
    load[g] = { reqPerSec: m.result, cpuPerSec: m.cpuPerSec[g] };
  }
  const idle = await measured(gws, () => new Promise((r) => setTimeout(r, o.seconds * 1000)));
  return { load: load as Round['load'], idleCpuPerSec: idle.cpuPerSec };
}

function summarise(rounds: readonly Round[], eventsPerWatcherPerSec: number) {
  const med = (f: (r: Round) => number): number => median(rounds.map(f));
  const per = <T>(f: (g: Gw) => T): Record<Gw, T> =>
    Object.fromEntries(GATEWAYS.map((g) => [g, f(g)])) as Record<Gw, T>;
  const reqPerSec = per((g) => med((r) => r.load[g].reqPerSec));
  const cpuUsPerRequest = per((g) => med((r) => (r.load[g].cpuPerSec / r.load[g].reqPerSec) * 1e6));
  // idle CPU is a few ms/s, near the 10 ms tick of /proc: the mean over every round's idle
  // slice (all of equal length) is total CPU ÷ total time, at rounds × the resolution
  const mean = (f: (r: Round) => number): number =>
    rounds.reduce((n, r) => n + f(r), 0) / Math.max(1, rounds.length);
  const idleCpuPerSec = per((g) => mean((r) => r.idleCpuPerSec[g]));
  return {
    reqPerSec,
    loadCpuPerSec: per((g) => med((r) => r.load[g].cpuPerSec)),
    cpuUsPerRequest,
    idleCpuPerSec,
    ratios: {
      /** Console on but unwatched ÷ console off: 1 = it costs nothing. */
      unwatchedVsOff: reqPerSec.unwatched / reqPerSec.off,
      /** Console on with the watchers ÷ unwatched, under load. */
      watchedVsUnwatched: reqPerSec.watched / reqPerSec.unwatched,
      /** The same as CPU per request (less sensitive to a busy machine). */
      cpuPerRequestWatchedVsUnwatched: cpuUsPerRequest.watched / cpuUsPerRequest.unwatched,
    },
    /** The watchers' own CPU without traffic: idle watched − idle unwatched, s/s. */
    watchersCpuPerSec: idleCpuPerSec.watched - idleCpuPerSec.unwatched,
    eventsPerWatcherPerSec,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '2' },
      runs: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      workers: { type: 'string', default: '1' },
      watchers: { type: 'string', default: '10' },
    },
  });
  const o = {
    seconds: Number(values.duration),
    runs: Number(values.runs),
    connections: Number(values.connections),
    workers: Number(values.workers),
    watchers: Number(values.watchers),
  };
  const machine = machineInfo();
  const group = createProcessGroup();
  installExitHandlers(group);
  const rounds: Round[] = [];
  let watchers: Watchers | undefined;
  let events: number;
  try {
    const engine = await startEngine(group, { kind: 'uws', model: MODEL });
    const common = { workerUrls: [engine.url], workers: o.workers, policy: 'round_robin' };
    const gws: Record<Gw, RunningServer> = {
      off: await startGateway(group, {
        ...common,
        name: 'off',
        extraArgs: ['--disable-dashboard'],
      }),
      unwatched: await startGateway(group, { ...common, name: 'unwatched' }),
      watched: await startGateway(group, { ...common, name: 'watched' }),
    };
    for (const g of GATEWAYS) {
      await checkJsonRequest(`${gws[g].url}/v1/chat/completions`, 'POST', BODY, {
        'content-type': 'application/json',
      });
      await loadFor(gws[g].url, o.connections, 1); // warm-up
    }
    watchers = await watch(gws.watched.url, o.watchers);
    const events0 = median(watchers.counts());
    const t0 = performance.now();
    for (let i = 0; i < o.runs; i++) {
      rounds.push(await round(gws, i, o));
      process.stderr.write(`round ${i + 1}/${o.runs} done\n`);
    }
    events = (median(watchers.counts()) - events0) / ((performance.now() - t0) / 1000);
  } finally {
    await watchers?.close();
    await group.stopAll(2000);
  }
  machine.loadavgAtEnd = (await import('node:os')).loadavg();
  const summary = summarise(rounds, events);
  report(summary, o, machine, rounds);
}

function report(
  summary: ReturnType<typeof summarise>,
  o: { readonly watchers: number },
  machine: ReturnType<typeof machineInfo>,
  rounds: readonly Round[],
): void {
  const n = o.watchers;
  const label: Record<Gw, string> = {
    off: 'console off (--disable-dashboard)',
    unwatched: 'console on, 0 watchers',
    watched: `console on, ${n} watchers`,
  };
  const table = formatTable(
    ['gateway', 'req/s', 'CPU s/s (load)', 'CPU µs/request', 'CPU ms/s (idle)'],
    GATEWAYS.map((g) => [
      label[g],
      fmt(summary.reqPerSec[g], 0),
      fmt(summary.loadCpuPerSec[g], 3),
      fmt(summary.cpuUsPerRequest[g], 1),
      fmt(summary.idleCpuPerSec[g] * 1000, 1),
    ]),
  );
  const r = summary.ratios;
  process.stdout.write(
    `${table}\n\nunwatched ÷ off: ${fmt(r.unwatchedVsOff, 3)} req/s   ` +
      `${n} watchers ÷ unwatched: ${fmt(r.watchedVsUnwatched, 3)} req/s, ` +
      `${fmt(r.cpuPerRequestWatchedVsUnwatched, 3)} CPU/request   ` +
      `${n} watchers cost ${fmt(summary.watchersCpuPerSec * 1000, 1)} ms CPU/s idle   ` +
      `${fmt(summary.eventsPerWatcherPerSec, 2)} snapshots/s per watcher\n`,
  );
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(
    { bench: 'dashboard', at: new Date().toISOString(), machine, options: o, summary, rounds },
    null,
    2,
  );
  const file = path.join(dir, `dashboard-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${json}\n`);
  fs.writeFileSync(path.join(dir, 'dashboard-latest.json'), `${json}\n`);
  process.stderr.write(`wrote ${path.relative(repoRoot, file)} and dashboard-latest.json\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:dashboard failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
