/**
 * Routing-decision cost vs fleet size: Router.select() (model lookup + policy) for every
 * policy at W = 10, 1,000 and 4,000 workers (SELECT_POLICIES / SELECT_SIZES / SELECT_DECISIONS
 * narrow it), with in-flight loads changing between decisions
 * as they do under traffic. Prints a table and writes bench/results/select-latest.json.
 * Question answered: does a decision stay O(1)/O(log W) (SMG's O(W) scan reached 850 ms p99
 * at 4,000 workers)?
 */
import fs from 'node:fs';
import path from 'node:path';
import { createMemoryHub } from '../src/state/memory-bus';
import { createLoadTracker } from '../src/core/load-tracker';
import { createRouter } from '../src/core/router';
import { createPolicy } from '../src/policies/factory';
import { POLICY_NAMES, type RequestInfo } from '../src/policies/types';
import { loadNative } from '../src/native';
import { createSharedPrefixRouting } from '../src/routing/prefix-routing';
import { systemClock } from '../src/util/clock';
import { seededRng } from '../src/util/rng';
import type { Worker } from '../src/core/worker';

const SIZES = [10, 1000, 4000];
const DECISIONS = Number(process.env['SELECT_DECISIONS'] ?? 50_000);
const WARMUP = Number(process.env['SELECT_WARMUP'] ?? 5_000);

function fleet(n: number): Worker[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `w${i}`,
    url: `http://10.0.${i >> 8}.${i & 255}:8000`,
    modelId: 'm',
    labels: {},
    runtimeType: 'sglang',
    priority: 50,
    cost: 1,
    status: 'ready' as const,
    circuit: 'closed' as const,
    health: {},
    maxConnectionAttempts: 20,
    revision: 1,
  }));
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/**
 * `everywhere`: cache_aware with every system prompt already cached on every worker (a popular
 * prefix replicated across a large fleet), so each decision matches W holders.
 */
async function measure(policy: (typeof POLICY_NAMES)[number], n: number, everywhere = false) {
  const hub = createMemoryHub();
  const bus = hub.join('bench');
  const loads = createLoadTracker({ bus, publishIntervalMs: 1000 });
  const native = loadNative();
  const prefix = createSharedPrefixRouting({ bus, blockSize: 16, defaultCapacityTokens: 1 << 22 });
  const router = createRouter({
    bus,
    loads,
    policyName: policy,
    policyOptions: {
      assignmentMode: 'min_load',
      maxIdleSecs: 3600,
      evictionIntervalSecs: 3600,
      cacheAware: {
        cacheThreshold: 0.3,
        balanceAbsThreshold: 64,
        balanceRelThreshold: 1.5,
        mode: 'collie',
      },
    },
    policyDeps: { rng: seededRng(1), clock: systemClock, hash64: (k) => native.hash64(k), prefix },
    createPolicy,
    aliases: {},
  });
  hub.join('control').publish({ t: 'registry', version: 1, workers: fleet(n) });
  await new Promise((r) => setTimeout(r, 10));
  const rng = seededRng(2);
  const keys = Array.from({ length: 512 }, (_, i) => `session-${i}`);
  // ~2k pseudo-tokens of routing text per request: 8 shared system prompts + a session tail
  const systems = Array.from({ length: 8 }, (_, i) => `system prompt ${i}: `.repeat(450));
  const texts = keys.map((k, i) => `${systems[i % 8] as string}<|user|>${k} question`);
  if (everywhere) {
    for (const s of systems) {
      const h = prefix.hashes(s, 'm').slice();
      for (let w = 0; w < n; w++) prefix.record('m', `w${w}`, h);
    }
  }
  const times = new Float64Array(DECISIONS);
  const releases: Array<() => void> = [];
  // steady state: the first WARMUP decisions (JIT tiers, index and pool growth) are not timed
  for (let i = -WARMUP; i < DECISIONS; i++) {
    // a gateway yields to its event loop between requests: let timers (the batched
    // routing-event flush every 5 ms) run as they would under live traffic
    if ((i + WARMUP) % 32 === 31) await new Promise<void>((r) => setImmediate(r));
    const key = keys[(i + WARMUP) % keys.length] as string;
    const req: RequestInfo = {
      header: (h) => (h === 'x-smg-routing-key' ? key : undefined),
      routingText: texts[(i + WARMUP) % texts.length] as string,
    };
    const t0 = process.hrtime.bigint();
    const w = router.select('m', req).worker;
    if (i >= 0) times[i] = Number(process.hrtime.bigint() - t0) / 1000;
    // keep ~64 requests in flight with random completion order, like live traffic
    releases.push(loads.acquire(w.id));
    if (releases.length > 64) {
      const j = Math.floor(rng() * releases.length);
      (releases[j] as () => void)();
      releases[j] = releases[releases.length - 1] as () => void;
      releases.pop();
    }
  }
  for (const r of releases) r();
  router.close();
  loads.close();
  prefix.close();
  times.sort();
  return {
    policy: everywhere ? `${policy}*` : policy,
    workers: n,
    p50_us: pct(times, 0.5),
    p99_us: pct(times, 0.99),
    max_us: pct(times, 1),
  };
}

async function main(): Promise<void> {
  const rows = [];
  const policies = (process.env['SELECT_POLICIES']?.split(',') ??
    POLICY_NAMES) as typeof POLICY_NAMES;
  const sizes = process.env['SELECT_SIZES']?.split(',').map(Number) ?? SIZES;
  for (const policy of policies) {
    for (const n of sizes) rows.push(await measure(policy, n));
    if (policy === 'cache_aware') for (const n of sizes) rows.push(await measure(policy, n, true));
  }
  console.log('policy               workers   p50 µs   p99 µs   max µs');
  console.log('(cache_aware*: every system prompt already cached on every worker)');
  for (const r of rows) {
    console.log(
      `${r.policy.padEnd(20)} ${String(r.workers).padStart(7)} ${r.p50_us.toFixed(2).padStart(8)} ${r.p99_us.toFixed(2).padStart(8)} ${r.max_us.toFixed(1).padStart(8)}`,
    );
  }
  const out = {
    benchmark: 'select',
    decisions_per_row: DECISIONS,
    node: process.version,
    date: new Date().toISOString(),
    rows,
  };
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'select-latest.json'), JSON.stringify(out, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
