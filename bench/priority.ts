/**
 * Priority-scheduler benchmark: what one admission costs and whether the capacity holds.
 *
 *  - `instance`: the instance's scheduler (the core behind the primary's service, called
 *    in-process as single-process mode does); one owner.
 *  - `redis ×N`: N owners (what N ingress processes or instances run), each its own Redis
 *    connection and subscription, against one redis-server.
 *
 * Every owner runs `--concurrency` closed loops of admit → hold `--hold-ms` → release, for
 * `--duration` seconds, with a capacity of `--capacity` slots shared by all; classes rotate
 * bulk/default/interactive (no preemption: nothing is asked to stop). Reports µs per admission
 * (mean, p50, p99; queue waits included when the capacity is the bottleneck), admissions per
 * second, and the peak of slots held at once across all owners (must not exceed the capacity).
 *
 *   npm run bench:priority [-- --duration 3 --capacity 64 --owners 1,2,4 --concurrency 32 --hold-ms 0]
 *
 * Writes bench/results/priority-<timestamp>.json and bench/results/priority-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProcessGroup, installExitHandlers } from './lib/processes';
import { repoRoot } from './lib/paths';
import { fmt, formatTable } from './lib/table';
import { startRedis } from './routing/servers';
import { createSchedulerCore, holdsSlot } from '../src/priority/core';
import { SchedulerService } from '../src/priority/service';
import { createRedisBackend } from '../src/priority/redis-backend';
import type { SchedulerBackend } from '../src/priority/gate';
import { DEFAULT_CLASS_CONFIG, prioritySettings } from '../src/priority/settings';
import type { PriorityClass } from '../src/priority/classes';
import { systemClock } from '../src/util/clock';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const CLASSES: readonly PriorityClass[] = ['bulk', 'default', 'interactive'];
const open = { reservedFloor: 0, reservedPerSlot: 0, queueSize: 100_000, canPreempt: false };
const SETTINGS = prioritySettings(
  {
    classes: {
      bulk: { ...DEFAULT_CLASS_CONFIG.bulk, ...open },
      default: { ...DEFAULT_CLASS_CONFIG.default, ...open },
      interactive: { ...DEFAULT_CLASS_CONFIG.interactive, ...open },
      system: { ...DEFAULT_CLASS_CONFIG.system, ...open },
    },
    tenantPolicies: {},
  },
  'system',
  32,
);

interface Row {
  readonly setup: string;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly perSec: number;
  readonly peak: number;
  readonly capacity: number;
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function drive(
  owners: readonly SchedulerBackend[],
  o: { seconds: number; concurrency: number; holdMs: number },
): Promise<{ samples: number[]; perSec: number; peak: number }> {
  const samples: number[] = [];
  let held = 0;
  let peak = 0;
  let ticket = 0;
  const end = performance.now() + o.seconds * 1000;
  const loop = async (b: SchedulerBackend, k: number): Promise<void> => {
    const signal = new AbortController().signal;
    for (let i = k; performance.now() < end; i++) {
      const t = String(++ticket);
      const start = performance.now();
      const r = await b.admit(t, CLASSES[i % CLASSES.length] ?? 'default', signal);
      samples.push((performance.now() - start) * 1000);
      if (!holdsSlot(r)) continue;
      peak = Math.max(peak, ++held);
      if (o.holdMs > 0) await new Promise((res) => setTimeout(res, o.holdMs));
      else await new Promise((res) => setImmediate(res));
      held--;
      b.release(t);
    }
  };
  const start = performance.now();
  await Promise.all(
    owners.flatMap((b) => Array.from({ length: o.concurrency }, (_, k) => loop(b, k))),
  );
  return { samples, perSec: samples.length / ((performance.now() - start) / 1000), peak };
}

function row(setup: string, capacity: number, r: Awaited<ReturnType<typeof drive>>): Row {
  const sorted = [...r.samples].sort((x, y) => x - y);
  return {
    setup,
    meanUs: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
    p50Us: pct(sorted, 0.5),
    p99Us: pct(sorted, 0.99),
    perSec: r.perSec,
    peak: r.peak,
    capacity,
  };
}

/** The instance's scheduler as one in-process owner (single-process mode's direct calls). */
function instanceBackend(capacity: number): SchedulerBackend {
  const timers = {
    setTimeout: (cb: () => void, ms: number): unknown => setTimeout(cb, ms),
    clearTimeout: (t: unknown): void => clearTimeout(t as NodeJS.Timeout),
  };
  const service = new SchedulerService((onPreempt) =>
    createSchedulerCore({
      settings: SETTINGS,
      capacity: () => capacity,
      clock: systemClock,
      timers,
      onPreempt,
    }),
  );
  return {
    admit: (t, cls) => service.admit('local', t, cls),
    release: (t) => service.release('local', t),
    decline: (t) => service.decline('local', t),
    listen: () => undefined,
    close: () => Promise.resolve(service.close()),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3' },
      capacity: { type: 'string', default: '64' },
      owners: { type: 'string', default: '1,2,4' },
      concurrency: { type: 'string', default: '32' },
      'hold-ms': { type: 'string', default: '0' },
    },
  });
  const o = {
    seconds: Number(values.duration),
    concurrency: Number(values.concurrency),
    holdMs: Number(values['hold-ms']),
  };
  const capacity = Number(values.capacity);
  const group = createProcessGroup();
  installExitHandlers(group);
  const rows: Row[] = [];
  try {
    const inst = instanceBackend(capacity);
    rows.push(row('instance', capacity, await drive([inst], o)));
    await inst.close();
    const redis = await startRedis(group);
    for (const n of values.owners.split(',').map(Number)) {
      const prefix = `collie:v1:bench-prio-${n}`;
      const owners = Array.from({ length: n }, (_, i) =>
        createRedisBackend({
          url: redis.url,
          owner: `bench${i}`,
          settings: SETTINGS,
          capacity: () => capacity,
          logger: quiet,
          keyPrefix: prefix,
        }),
      );
      const end = Date.now() + 5000;
      while (owners.some((b) => !b.connected()) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
      }
      rows.push(row(`redis ×${n}`, capacity, await drive(owners, o)));
      await Promise.all(owners.map((b) => b.close()));
    }
  } finally {
    await group.stopAll(2000);
  }
  const table = formatTable(
    ['setup', 'µs mean', 'µs p50', 'µs p99', 'admits/s', 'peak held', 'capacity'],
    rows.map((r) => [
      r.setup,
      fmt(r.meanUs, 0),
      fmt(r.p50Us, 0),
      fmt(r.p99Us, 0),
      fmt(r.perSec, 0),
      String(r.peak),
      String(r.capacity),
    ]),
  );
  process.stdout.write(`${table}\n`);
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(
    { bench: 'priority', at: new Date().toISOString(), ...o, capacity, rows },
    null,
    2,
  );
  const file = path.join(dir, `priority-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${json}\n`);
  fs.writeFileSync(path.join(dir, 'priority-latest.json'), `${json}\n`);
  process.stderr.write(`wrote ${path.relative(repoRoot, file)} and priority-latest.json\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:priority failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
