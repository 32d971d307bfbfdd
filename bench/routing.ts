/**
 * Cache-aware routing benchmark: 4 mock engines with a bounded prefix cache behind collie,
 * a seeded multi-turn chat workload (shared system prompts, every turn re-sends the whole
 * conversation) with Poisson arrivals, run once per routing configuration. Reports the
 * engine-reported cache-hit ratio (Σ cached_tokens / Σ prompt_tokens), TTFT (streaming
 * requests), latency, errors and how evenly requests spread over the engines.
 *
 *   npm run build && node dist/bench/routing.js [--duration 20] [--rate 40] [--sessions 40]
 *     [--configs cache_aware,random] [--workers 1,2] [--requests N] [--seed 1]
 *
 * Writes bench/results/routing-<timestamp>.json and bench/results/routing-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProcessGroup, installExitHandlers, type ProcessGroup } from './lib/processes';
import { repoRoot } from './lib/paths';
import { fmt, formatTable } from './lib/table';
import {
  flushEngines,
  startEngineFleet,
  startGatewayWith,
  startRedis,
  workerIdsToUrls,
  type RunningGateway,
} from './routing/servers';
import { summarize, type ConfigDef, type ConfigResult } from './routing/summary';
import { runWorkload, type WorkloadOptions } from './routing/workload';

const CONFIG_NAMES = [
  'random',
  'round_robin',
  'power_of_two',
  'cache_aware_smg',
  'cache_aware',
  'two_instances_redis',
  'two_instances_no_redis',
] as const;
type ConfigName = (typeof CONFIG_NAMES)[number];

const CONFIGS: Readonly<Record<ConfigName, ConfigDef>> = {
  random: { policy: 'random', extraArgs: [], instances: 1, redis: false },
  round_robin: { policy: 'round_robin', extraArgs: [], instances: 1, redis: false },
  power_of_two: { policy: 'power_of_two', extraArgs: [], instances: 1, redis: false },
  cache_aware_smg: {
    policy: 'cache_aware',
    extraArgs: ['--cache-aware-mode', 'smg'],
    instances: 1,
    redis: false,
  },
  cache_aware: {
    policy: 'cache_aware',
    extraArgs: ['--cache-aware-mode', 'collie'],
    instances: 1,
    redis: false,
  },
  two_instances_redis: {
    policy: 'cache_aware',
    extraArgs: ['--cache-aware-mode', 'collie'],
    instances: 2,
    redis: true,
  },
  two_instances_no_redis: {
    policy: 'cache_aware',
    extraArgs: ['--cache-aware-mode', 'collie'],
    instances: 2,
    redis: false,
  },
};

const ENGINES = 4;
const MODEL = 'mock-model';

interface Settings {
  readonly configs: readonly ConfigName[];
  readonly workers: readonly number[];
  readonly kvCapacityTokens: number;
  readonly prefillTps: number;
  readonly prefillShared: boolean;
  readonly workload: WorkloadOptions;
}

function parseSettings(): Settings {
  const env = (k: string): string | undefined => process.env[`ROUTING_${k}`];
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: env('DURATION') ?? '20' },
      rate: { type: 'string', default: env('RATE') ?? '40' },
      sessions: { type: 'string', default: env('SESSIONS') ?? '40' },
      requests: { type: 'string', default: env('REQUESTS') ?? '0' },
      configs: { type: 'string', default: env('CONFIGS') ?? CONFIG_NAMES.join(',') },
      workers: { type: 'string', default: env('WORKERS') ?? '1,2' },
      seed: { type: 'string', default: env('SEED') ?? '1' },
      'kv-capacity': { type: 'string', default: env('KV_CAPACITY') ?? '20000' },
      'stream-fraction': { type: 'string', default: env('STREAM_FRACTION') ?? '0.5' },
      'max-tokens': { type: 'string', default: env('MAX_TOKENS') ?? '8' },
      'max-turns': { type: 'string', default: env('MAX_TURNS') ?? '30' },
      'system-words': { type: 'string', default: env('SYSTEM_WORDS') ?? '1500' },
      'user-words': { type: 'string', default: env('USER_WORDS') ?? '50' },
      'system-skew': { type: 'string', default: env('SYSTEM_SKEW') ?? '1' },
      'prefill-tps': { type: 'string', default: env('PREFILL_TPS') ?? '20000' },
      // engine-wide FIFO prefill (compute-bound engines); 'off' = every prefill runs in parallel
      prefill: { type: 'string', default: env('PREFILL') ?? 'shared' },
    },
    strict: true,
  });
  const num = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const configs = values.configs
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c): ConfigName => {
      const found = CONFIG_NAMES.find((n) => n === c);
      if (found === undefined) {
        throw new Error(`unknown config '${c}'; known: ${CONFIG_NAMES.join(', ')}`);
      }
      return found;
    });
  const workers = values.workers.split(',').map((w) => num('workers', w.trim(), 1));
  return {
    configs,
    workers,
    kvCapacityTokens: num('kv-capacity', values['kv-capacity'], 16),
    prefillTps: num('prefill-tps', values['prefill-tps'], 1),
    prefillShared: values.prefill !== 'off',
    workload: {
      seed: num('seed', values.seed, 0),
      sessions: num('sessions', values.sessions, 1),
      systemPrompts: 4,
      systemSkew: num('system-skew', values['system-skew'], 0),
      systemWords: num('system-words', values['system-words'], 1),
      userWords: num('user-words', values['user-words'], 1),
      replyWords: 20,
      maxTurns: num('max-turns', values['max-turns'], 1),
      rate: num('rate', values.rate, 0.1),
      durationMs: num('duration', values.duration, 1) * 1000,
      maxRequests: num('requests', values.requests, 0),
      streamFraction: num('stream-fraction', values['stream-fraction'], 0),
      maxTokens: num('max-tokens', values['max-tokens'], 1),
      model: MODEL,
      requestTimeoutMs: 30_000,
    },
  };
}

async function runConfig(
  group: ProcessGroup,
  engineUrls: readonly string[],
  config: ConfigName,
  workers: number,
  s: Settings,
): Promise<ConfigResult> {
  const def = CONFIGS[config];
  const name = `${config}/w${workers}`;
  process.stderr.write(`▶ ${name}: flushing engines, starting gateway…\n`);
  await flushEngines(engineUrls);
  const redis = def.redis ? await startRedis(group) : null;
  const gateways: RunningGateway[] = [];
  try {
    for (let i = 0; i < def.instances; i++) {
      gateways.push(
        await startGatewayWith(group, {
          name: `collie-${config}-w${workers}-${i}`,
          workerUrls: engineUrls,
          workers,
          policy: def.policy,
          extraArgs: [...def.extraArgs, ...(redis !== null ? ['--redis-url', redis.url] : [])],
        }),
      );
    }
    const idToUrl = new Map<string, string>();
    for (const g of gateways) {
      for (const [id, url] of await workerIdsToUrls(g.url)) idToUrl.set(id, url);
    }
    const result = await runWorkload(
      gateways.map((g) => g.url),
      s.workload,
    );
    const r = summarize(
      name,
      config,
      CONFIGS[config],
      workers,
      engineUrls,
      idToUrl,
      result.samples,
      result.skipped,
      result.elapsedMs,
    );
    process.stderr.write(
      `  ${r.requests} requests, ${r.errors} errors, hit ${fmt(r.cacheHitRatio, 3)}; ` +
        Object.entries(r.byReason)
          .map(([k, v]) => `${k} ${v.requests} req/${v.uncachedTokens} uncached tok`)
          .join(', ') +
        `${r.sampleErrors.length > 0 ? `; e.g. ${r.sampleErrors[0] ?? ''}` : ''}\n`,
    );
    return r;
  } finally {
    for (const g of gateways) await group.stop(g.child);
    if (redis !== null) await group.stop(redis.child);
  }
}

async function main(): Promise<void> {
  const s = parseSettings();
  const group = createProcessGroup();
  installExitHandlers(group);
  const w = s.workload;
  process.stderr.write(
    `routing bench: ${s.configs.join(',')} × workers ${s.workers.join(',')}; ` +
      `${w.durationMs / 1000}s @ ${w.rate} req/s, ${w.sessions} sessions, ` +
      `kv ${s.kvCapacityTokens} tokens × ${ENGINES} engines, seed ${w.seed}\n`,
  );
  const fleet = await startEngineFleet(group, {
    count: ENGINES,
    kvCapacityTokens: s.kvCapacityTokens,
    blockSize: 16,
    prefillTps: s.prefillTps,
    prefillShared: s.prefillShared,
    tokenDelayMs: 2,
    model: MODEL,
  });
  const results: ConfigResult[] = [];
  try {
    for (const config of s.configs) {
      for (const workers of s.workers) {
        results.push(await runConfig(group, fleet.urls, config, workers, s));
      }
    }
  } finally {
    await group.stopAll();
  }

  const headers = [
    'config',
    'req',
    'err',
    'skip',
    'hit ratio',
    'TTFT p50',
    'TTFT p99',
    'lat p50',
    'lat p99',
    'eng max/min',
    'load CV',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.requests),
    String(r.errors),
    String(r.skippedArrivals),
    fmt(r.cacheHitRatio, 3),
    fmt(r.ttftP50Ms, 1),
    fmt(r.ttftP99Ms, 1),
    fmt(r.latencyP50Ms, 1),
    fmt(r.latencyP99Ms, 1),
    `${r.loadMax}/${r.loadMin}`,
    fmt(r.loadCv, 3),
  ]);
  process.stdout.write(`\n${formatTable(headers, rows)}\n(times in ms)\n`);

  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(
    {
      bench: 'routing',
      date: new Date().toISOString(),
      node: process.version,
      engines: {
        count: ENGINES,
        kvCapacityTokens: s.kvCapacityTokens,
        blockSize: 16,
        prefillTps: s.prefillTps,
        prefillShared: s.prefillShared,
        tokenDelayMs: 2,
      },
      workload: w,
      results,
    },
    null,
    2,
  );
  const file = path.join(dir, `routing-${stamp}.json`);
  fs.writeFileSync(file, `${json}\n`);
  fs.writeFileSync(path.join(dir, 'routing-latest.json'), `${json}\n`);
  process.stderr.write(`wrote ${path.relative(repoRoot, file)} and routing-latest.json\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `routing bench failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
