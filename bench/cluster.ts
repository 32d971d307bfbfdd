/**
 * Cluster benchmark: the exact global rate limit (POST /ha/rate-limit) as 1, 2 and 4
 * instances see it. Each "instance" is one GlobalLimiter with its own Redis connection —
 * exactly what every ingress process of a collie instance runs — against one redis-server.
 *
 *  1. overhead: the limit set far above the offered load; every instance calls admit() in a
 *     closed loop (`--concurrency` in flight each); reports µs per admission (mean, p50, p99)
 *     and admissions per second. This is the cost a protected request pays (one EVALSHA).
 *  2. accuracy: limit L (`--limit`, per second); the instances together offer 3·L/s, evenly
 *     paced, for `--duration` seconds; reports admitted / (L · duration). The bucket's burst
 *     (L/10) bounds the overshoot at L/10 over any window.
 *
 *   npm run bench:cluster [-- --duration 5 --limit 200 --instances 1,2,4 --concurrency 1]
 *
 * Writes bench/results/cluster-<timestamp>.json and bench/results/cluster-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createProcessGroup, installExitHandlers } from './lib/processes';
import { repoRoot } from './lib/paths';
import { fmt, formatTable } from './lib/table';
import { startRedis } from './routing/servers';
import { createGlobalLimiter, type GlobalLimiter } from '../src/ha/global-limit';
import { haKeys } from '../src/ha/keys';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };

interface Row {
  readonly instances: number;
  readonly overheadMeanUs: number;
  readonly overheadP50Us: number;
  readonly overheadP99Us: number;
  readonly admissionsPerSec: number;
  readonly limitPerSec: number;
  readonly offeredPerSec: number;
  readonly admitted: number;
  readonly expected: number;
  readonly accuracy: number;
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function setLimit(admin: Redis, prefix: string, limit: number): Promise<void> {
  const k = haKeys(prefix);
  await admin.set(k.rateLimit, String(limit));
  await admin.del(k.bucket);
}

/** Waits until every limiter polled the setting (its mode says 'global'). */
async function applied(limiters: readonly GlobalLimiter[]): Promise<void> {
  const end = Date.now() + 5000;
  while (limiters.some((l) => l.mode() !== 'global') && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function overhead(
  limiters: readonly GlobalLimiter[],
  seconds: number,
  concurrency: number,
): Promise<{ samples: number[]; perSec: number }> {
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  const loop = async (l: GlobalLimiter): Promise<void> => {
    while (performance.now() < end) {
      const t = performance.now();
      await l.admit();
      samples.push((performance.now() - t) * 1000);
    }
  };
  const start = performance.now();
  await Promise.all(limiters.flatMap((l) => Array.from({ length: concurrency }, () => loop(l))));
  return { samples, perSec: samples.length / ((performance.now() - start) / 1000) };
}

async function accuracy(
  limiters: readonly GlobalLimiter[],
  limit: number,
  seconds: number,
): Promise<{ admitted: number; elapsed: number }> {
  const perInstance = (3 * limit) / limiters.length;
  const total = Math.round(perInstance * seconds);
  const start = performance.now();
  const pending: Array<Promise<boolean>> = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / perInstance - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const l of limiters) pending.push(l.admit().then((d) => d.ok));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000 + 1 / perInstance;
  return { admitted: results.filter(Boolean).length, elapsed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      limit: { type: 'string', default: '200' },
      instances: { type: 'string', default: '1,2,4' },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const seconds = Number(values.duration);
  const limit = Number(values.limit);
  const counts = values.instances.split(',').map(Number);
  const concurrency = Number(values.concurrency);
  const group = createProcessGroup();
  installExitHandlers(group);
  const redis = await startRedis(group);
  const admin = new Redis(redis.url);
  admin.on('error', () => undefined);
  const rows: Row[] = [];
  try {
    for (const n of counts) {
      const prefix = `collie:v1:bench-${n}`;
      const limiters = Array.from({ length: n }, () =>
        createGlobalLimiter({ url: redis.url, processes: 1, logger: quiet, keyPrefix: prefix }),
      );
      await setLimit(admin, prefix, 1_000_000_000);
      await applied(limiters);
      const o = await overhead(limiters, seconds, concurrency);
      await setLimit(admin, prefix, limit);
      await new Promise((r) => setTimeout(r, 1000));
      const a = await accuracy(limiters, limit, seconds);
      await Promise.all(limiters.map((l) => l.close()));
      const sorted = [...o.samples].sort((x, y) => x - y);
      const expected = limit * a.elapsed;
      rows.push({
        instances: n,
        overheadMeanUs: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
        overheadP50Us: pct(sorted, 0.5),
        overheadP99Us: pct(sorted, 0.99),
        admissionsPerSec: o.perSec,
        limitPerSec: limit,
        offeredPerSec: 3 * limit,
        admitted: a.admitted,
        expected,
        accuracy: a.admitted / expected,
      });
    }
  } finally {
    admin.disconnect();
    await group.stopAll(2000);
  }
  const table = formatTable(
    [
      'instances',
      'µs mean',
      'µs p50',
      'µs p99',
      'admits/s',
      'limit/s',
      'admitted',
      'expected',
      'admitted/limit',
    ],
    rows.map((r) => [
      String(r.instances),
      fmt(r.overheadMeanUs, 0),
      fmt(r.overheadP50Us, 0),
      fmt(r.overheadP99Us, 0),
      fmt(r.admissionsPerSec, 0),
      String(r.limitPerSec),
      String(r.admitted),
      fmt(r.expected, 0),
      fmt(r.accuracy, 3),
    ]),
  );
  process.stdout.write(`${table}\n`);
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(
    { bench: 'cluster', at: new Date().toISOString(), seconds, concurrency, rows },
    null,
    2,
  );
  const file = path.join(dir, `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${json}\n`);
  fs.writeFileSync(path.join(dir, 'cluster-latest.json'), `${json}\n`);
  process.stderr.write(`wrote ${path.relative(repoRoot, file)} and cluster-latest.json\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cluster failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
