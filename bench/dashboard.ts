/**
 * What the operator console costs the gateway. Two gateways in front of one cheap engine
 * (bench/lib/uws-engine.ts): one with --disable-dashboard, one with the console on. Per round,
 * interleaved, each phase `--duration` seconds:
 *
 *  - load, console off            → req/s, gateway CPU/s
 *  - load, console on, 0 watchers → req/s, gateway CPU/s (the console costs nothing unwatched)
 *  - load, console on, N watchers → req/s, gateway CPU/s (N SSE clients of /dashboard/api/events)
 *  - idle, console on, 0 / N watchers → gateway CPU/s (the console's own cost)
 *
 * Load: `--connections` closed loops of non-streaming chat completions from this process
 * (undici). CPU: utime + stime of the gateway's process tree (primary + ingress processes).
 * Medians over `--runs` rounds after a warm-up.
 *
 *   npm run bench:dashboard [-- --duration 5 --runs 3 --connections 32 --workers 1 --watchers 10]
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

interface Phase {
  readonly reqPerSec: number;
  readonly cpuPerSec: number;
  /** Snapshots each watcher received per second (watched phases). */
  readonly eventsPerWatcherPerSec?: number;
}

/** `connections` closed loops for `seconds`; returns completed requests per second. */
async function load(url: string, connections: number, seconds: number): Promise<number> {
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

/** Runs `work` (or just waits) for `seconds`, measuring the gateway's CPU meanwhile. */
async function phase(
  gw: RunningServer,
  seconds: number,
  work: (() => Promise<number>) | undefined,
  watchers?: Watchers,
): Promise<Phase> {
  const events0 = watchers?.counts() ?? [];
  const cpu0 = snapshotTreeCpu(gw.child.pid);
  const t0 = performance.now();
  const reqPerSec = work
    ? await work()
    : (await new Promise((r) => setTimeout(r, seconds * 1000)), 0);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuDelta(cpu0, snapshotTreeCpu(gw.child.pid)).seconds / wall;
  if (!watchers) return { reqPerSec, cpuPerSec: cpu };
  const got = watchers.counts().map((c, i) => c - (events0[i] ?? 0));
  return { reqPerSec, cpuPerSec: cpu, eventsPerWatcherPerSec: median(got) / wall };
}

const KEYS = ['off', 'on0', 'onN', 'idle0', 'idleN'] as const;
type Key = (typeof KEYS)[number];

async function round(
  off: RunningServer,
  on: RunningServer,
  o: { seconds: number; connections: number; watchers: number },
): Promise<Record<Key, Phase>> {
  const loadOf = (gw: RunningServer) => () => load(gw.url, o.connections, o.seconds);
  const result: Partial<Record<Key, Phase>> = {};
  result.off = await phase(off, o.seconds, loadOf(off));
  result.on0 = await phase(on, o.seconds, loadOf(on));
  result.idle0 = await phase(on, o.seconds, undefined);
  const w = await watch(on.url, o.watchers);
  try {
    result.onN = await phase(on, o.seconds, loadOf(on), w);
    result.idleN = await phase(on, o.seconds, undefined, w);
  } finally {
    await w.close();
  }
  return result as Record<Key, Phase>;
}

function summarise(rounds: ReadonlyArray<Record<Key, Phase>>) {
  const med = (k: Key, f: (p: Phase) => number | undefined): number =>
    median(rounds.map((r) => f(r[k]) ?? 0));
  const rps = {
    off: med('off', (p) => p.reqPerSec),
    on0: med('on0', (p) => p.reqPerSec),
    onN: med('onN', (p) => p.reqPerSec),
  };
  const cpu = Object.fromEntries(KEYS.map((k) => [k, med(k, (p) => p.cpuPerSec)])) as Record<
    Key,
    number
  >;
  return {
    reqPerSec: rps,
    cpuSecondsPerSecond: cpu,
    ratios: {
      /** Console on but unwatched ÷ console off: 1 means it costs nothing. */
      unwatchedVsOff: rps.on0 / rps.off,
      /** N watchers ÷ none, under load. */
      watchedVsUnwatched: rps.onN / rps.on0,
    },
    /** The console's own CPU with N watchers and no traffic (idle N − idle 0), s/s. */
    watchersCpuPerSec: cpu.idleN - cpu.idle0,
    eventsPerWatcherPerSec: med('onN', (p) => p.eventsPerWatcherPerSec),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
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
  const rounds: Array<Record<Key, Phase>> = [];
  try {
    const engine = await startEngine(group, { kind: 'uws', model: MODEL });
    const common = { workerUrls: [engine.url], workers: o.workers, policy: 'round_robin' };
    const off = await startGateway(group, {
      ...common,
      name: 'collie-off',
      extraArgs: ['--disable-dashboard'],
    });
    const on = await startGateway(group, { ...common, name: 'collie-on' });
    for (const gw of [off, on]) {
      await checkJsonRequest(`${gw.url}/v1/chat/completions`, 'POST', BODY, {
        'content-type': 'application/json',
      });
      await load(gw.url, o.connections, 1); // warm-up
    }
    for (let i = 0; i < o.runs; i++) {
      rounds.push(await round(off, on, o));
      process.stderr.write(`round ${i + 1}/${o.runs} done\n`);
    }
  } finally {
    await group.stopAll(2000);
  }
  machine.loadavgAtEnd = (await import('node:os')).loadavg();
  const summary = summarise(rounds);
  const n = o.watchers;
  const table = formatTable(
    ['phase', 'req/s', 'gateway CPU s/s'],
    [
      ['load, console off', fmt(summary.reqPerSec.off, 0), fmt(summary.cpuSecondsPerSecond.off, 3)],
      [
        'load, console on, 0 watchers',
        fmt(summary.reqPerSec.on0, 0),
        fmt(summary.cpuSecondsPerSecond.on0, 3),
      ],
      [
        `load, console on, ${n} watchers`,
        fmt(summary.reqPerSec.onN, 0),
        fmt(summary.cpuSecondsPerSecond.onN, 3),
      ],
      ['idle, 0 watchers', '-', fmt(summary.cpuSecondsPerSecond.idle0, 4)],
      [`idle, ${n} watchers`, '-', fmt(summary.cpuSecondsPerSecond.idleN, 4)],
    ],
  );
  process.stdout.write(
    `${table}\n\nunwatched ÷ off: ${fmt(summary.ratios.unwatchedVsOff, 3)}   ` +
      `${n} watchers ÷ unwatched: ${fmt(summary.ratios.watchedVsUnwatched, 3)}   ` +
      `${n} watchers cost ${fmt(summary.watchersCpuPerSec * 1000, 1)} ms CPU/s   ` +
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
