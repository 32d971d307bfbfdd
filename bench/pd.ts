/**
 * PD benchmark: the routing bench's multi-turn chat workload (shared system prompts, every turn
 * re-sends the conversation, Poisson arrivals) against
 *   regular — 4 mock engines as regular workers, cache_aware;
 *   pd      — the same engine settings as 2 prefill + 2 decode engines, --pd-disaggregation,
 *             cache_aware on prefill, power_of_two on decode (SGLang dual dispatch);
 * in one run, one after the other. Reports TTFT p50/p99 (streamed requests), latency p50/p99,
 * throughput (completed requests/s and output tokens/s), errors, and the engine-reported
 * prefix-cache hit ratio.
 *
 *   npm run bench:pd -- [--duration 20] [--rate 20] [--sessions 40] [--seed 1]
 *     [--prefill-tps 20000] [--kv-transfer-tps 400000] [--token-delay-ms 5]
 *
 * The mock engines model prefill time from uncached tokens (engine-wide FIFO), KV hand-off time
 * from prompt length and a fixed time per output token; they do not model the decode slowdown a
 * co-located prefill causes on a real GPU, which is what PD removes. Read the numbers as the
 * gateway's PD overhead and routing behaviour, not as PD's benefit on hardware.
 *
 * Writes bench/results/pd-<timestamp>.json and bench/results/pd-latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createProcessGroup,
  describeExit,
  installExitHandlers,
  type ProcessGroup,
} from './lib/processes';
import { collieBin, repoRoot } from './lib/paths';
import { fmt, formatTable } from './lib/table';
import { startGateway } from './lib/collie';
import { waitForHttp } from './lib/wait-ready';
import { runWorkload, type RequestSample, type WorkloadOptions } from './routing/workload';

const MODEL = 'mock-model';

interface Settings {
  readonly prefillTps: number;
  readonly kvTransferTps: number;
  readonly tokenDelayMs: number;
  readonly kvCapacityTokens: number;
  readonly workload: WorkloadOptions;
}

function parseSettings(): Settings {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      rate: { type: 'string', default: '20' },
      sessions: { type: 'string', default: '40' },
      seed: { type: 'string', default: '1' },
      'prefill-tps': { type: 'string', default: '20000' },
      'kv-transfer-tps': { type: 'string', default: '400000' },
      'token-delay-ms': { type: 'string', default: '5' },
      'kv-capacity': { type: 'string', default: '20000' },
      'max-tokens': { type: 'string', default: '16' },
    },
    strict: true,
  });
  const num = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  return {
    prefillTps: num('prefill-tps', values['prefill-tps'], 1),
    kvTransferTps: num('kv-transfer-tps', values['kv-transfer-tps'], 0),
    tokenDelayMs: num('token-delay-ms', values['token-delay-ms'], 0),
    kvCapacityTokens: num('kv-capacity', values['kv-capacity'], 16),
    workload: {
      seed: num('seed', values.seed, 0),
      sessions: num('sessions', values.sessions, 1),
      systemPrompts: 4,
      systemSkew: 1,
      systemWords: 1500,
      userWords: 50,
      replyWords: 20,
      maxTurns: 30,
      rate: num('rate', values.rate, 0.1),
      durationMs: num('duration', values.duration, 1) * 1000,
      maxRequests: 0,
      streamFraction: 0.5,
      maxTokens: num('max-tokens', values['max-tokens'], 1),
      model: MODEL,
      requestTimeoutMs: 60_000,
    },
  };
}

interface Engine {
  readonly url: string;
  readonly bootstrapPort?: number;
}

/** `collie mock-engine --count K [--role R]` as one child; parses the URLs (and bootstrap ports). */
async function startEngines(
  group: ProcessGroup,
  name: string,
  count: number,
  s: Settings,
  extra: readonly string[],
): Promise<Engine[]> {
  const args = [
    collieBin,
    'mock-engine',
    ...['--host', '127.0.0.1', '--port', '0', '--count', String(count), '--model', MODEL],
    ...['--kv-capacity-tokens', String(s.kvCapacityTokens), '--prefill-shared'],
    ...['--prefill-tps', String(s.prefillTps), '--token-delay-ms', String(s.tokenDelayMs)],
    ...extra,
  ];
  const child = group.spawn(name, process.execPath, args);
  const deadline = Date.now() + 30_000;
  let found: Engine[] = [];
  while (Date.now() < deadline && found.length < count) {
    if (child.hasExited()) throw new Error(describeExit(child, await child.exited));
    found = [
      ...child.stdout().matchAll(/^mock-engine (http:\/\/\S+) \S+(?: bootstrap_port=(\d+))?/gm),
    ].map((m) => ({
      url: m[1] ?? '',
      ...(m[2] !== undefined ? { bootstrapPort: Number(m[2]) } : {}),
    }));
    if (found.length < count) await sleep(50);
  }
  if (found.length < count) throw new Error(`${name} not up: ${describeExit(child)}`);
  for (const e of found) await waitForHttp(`${e.url}/v1/models`, { child });
  return found;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
}

interface Result {
  readonly config: string;
  readonly requests: number;
  readonly errors: number;
  readonly ttftP50Ms: number | null;
  readonly ttftP99Ms: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly requestsPerSec: number;
  readonly outputTokensPerSec: number;
  readonly cacheHitRatio: number | null;
  readonly sampleErrors: readonly string[];
}

function summarize(
  config: string,
  samples: readonly RequestSample[],
  elapsedMs: number,
  maxTokens: number,
): Result {
  const ok = samples.filter((x) => x.ok);
  const ttft = ok.flatMap((x) => (x.ttftMs === null ? [] : [x.ttftMs])).sort((a, b) => a - b);
  const lat = ok.map((x) => x.latencyMs).sort((a, b) => a - b);
  const prompt = ok.reduce((s, x) => s + x.promptTokens, 0);
  const cached = ok.reduce((s, x) => s + x.cachedTokens, 0);
  const secs = elapsedMs / 1000;
  return {
    config,
    requests: samples.length,
    errors: samples.length - ok.length,
    ttftP50Ms: quantile(ttft, 0.5),
    ttftP99Ms: quantile(ttft, 0.99),
    latencyP50Ms: quantile(lat, 0.5),
    latencyP99Ms: quantile(lat, 0.99),
    requestsPerSec: ok.length / secs,
    outputTokensPerSec: (ok.length * maxTokens) / secs,
    cacheHitRatio: prompt > 0 ? cached / prompt : null,
    sampleErrors: samples
      .filter((x) => !x.ok)
      .slice(0, 3)
      .map((x) => x.error ?? `HTTP ${x.status}`),
  };
}

async function runConfig(
  group: ProcessGroup,
  config: string,
  s: Settings,
  gatewayArgs: { workerUrls: string[]; extraArgs: string[] },
): Promise<Result> {
  process.stderr.write(`▶ ${config}: starting gateway…\n`);
  const gw = await startGateway(group, {
    name: `collie-${config}`,
    workers: 1,
    policy: 'cache_aware',
    readyTimeoutMs: 30_000,
    ...gatewayArgs,
  });
  try {
    const r = await runWorkload([gw.url], s.workload);
    const out = summarize(config, r.samples, r.elapsedMs, s.workload.maxTokens);
    process.stderr.write(`  ${out.requests} requests, ${out.errors} errors\n`);
    return out;
  } finally {
    await group.stop(gw.child);
  }
}

async function main(): Promise<void> {
  const s = parseSettings();
  const group = createProcessGroup();
  installExitHandlers(group);
  const results: Result[] = [];
  try {
    const regular = await startEngines(group, 'engines-regular', 4, s, []);
    const pdEngine = ['--kv-transfer-tps', String(s.kvTransferTps)];
    const prefill = await startEngines(group, 'engines-prefill', 2, s, [
      '--role',
      'prefill',
      ...pdEngine,
    ]);
    const decode = await startEngines(group, 'engines-decode', 2, s, [
      '--role',
      'decode',
      ...pdEngine,
    ]);
    results.push(
      await runConfig(group, 'regular_cache_aware', s, {
        workerUrls: regular.map((e) => e.url),
        extraArgs: [],
      }),
    );
    results.push(
      await runConfig(group, 'pd_cache_aware_prefill', s, {
        workerUrls: [],
        extraArgs: [
          '--pd-disaggregation',
          ...prefill.flatMap((e) => ['--prefill', e.url, String(e.bootstrapPort)]),
          ...decode.flatMap((e) => ['--decode', e.url]),
          ...['--prefill-policy', 'cache_aware', '--decode-policy', 'power_of_two'],
        ],
      }),
    );
  } finally {
    await group.stopAll();
  }
  const rows = results.map((r) => [
    r.config,
    String(r.requests),
    String(r.errors),
    fmt(r.ttftP50Ms, 1),
    fmt(r.ttftP99Ms, 1),
    fmt(r.latencyP50Ms, 1),
    fmt(r.latencyP99Ms, 1),
    fmt(r.requestsPerSec, 2),
    fmt(r.outputTokensPerSec, 1),
    fmt(r.cacheHitRatio, 3),
  ]);
  process.stdout.write(
    `${formatTable(
      [
        'config',
        'req',
        'err',
        'ttft p50 ms',
        'ttft p99 ms',
        'lat p50 ms',
        'lat p99 ms',
        'req/s',
        'out tok/s',
        'hit',
      ],
      rows,
    )}\n`,
  );
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(':', '-').replace('.', '-');
  const json = JSON.stringify({ bench: 'pd', settings: s, results }, null, 2);
  fs.writeFileSync(path.join(dir, `pd-${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, 'pd-latest.json'), json);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:pd failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
