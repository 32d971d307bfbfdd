/**
 * Real-trace routing benchmark: replays the Mooncake FAST'25 conversation trace
 * (/work/shared/traces/mooncake-conversation.jsonl, or --trace) against 4 mock engines with
 * finite KV caches that publish vLLM-format KV events, time-compressed, once per policy:
 * round_robin, cache_aware predicted (--disable-kv-events), cache_aware with events, and
 * 2 instances sharing Redis (events). Then the prediction-breaking scenario for predicted vs
 * events: a second traffic source sends trace requests straight to the engines, and one
 * engine restarts mid-run. Reports the engine-reported hit ratio, as a fraction of the
 * infinite-cache ceiling of the replayed requests, TTFT p50/p99 (requests generate one
 * token, so TTFT ≈ latency) and routing precision (Σ min(predicted, reported cached) /
 * Σ predicted). Prompts are token-id arrays (completions), so events are exact.
 *
 *   npm run bench:trace -- [--requests 2000] [--compression 20] [--token-scale 16]
 *     [--kv-capacity 300000] [--configs round_robin,predicted,events,two_instances_redis]
 *     [--scenario on|off]
 *
 * Writes bench/results/trace-<timestamp>.json and trace-latest.json.
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
import { waitForHttp } from './lib/wait-ready';
import { startGatewayWith, startRedis, type RunningGateway } from './routing/servers';
import {
  ceilingHitRatio,
  loadTrace,
  promptTokens,
  TRACE_BLOCK_TOKENS,
  type TraceRequest,
} from './trace/trace-data';
import { direct, replay, summarize, type Summary } from './trace/replay';

const MODEL = 'mock-model';
const ENGINES = 4;
const CONFIGS = ['round_robin', 'predicted', 'events', 'two_instances_redis'] as const;
type ConfigName = (typeof CONFIGS)[number];

interface Settings {
  readonly trace: string;
  readonly requests: number;
  readonly compression: number;
  readonly tokenScale: number;
  readonly kvCapacity: number;
  readonly prefillTps: number;
  readonly configs: readonly ConfigName[];
  readonly scenario: boolean;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      trace: {
        type: 'string',
        default: path.join(repoRoot, '..', '..', 'shared', 'traces', 'mooncake-conversation.jsonl'),
      },
      requests: { type: 'string', default: '2000' },
      compression: { type: 'string', default: '20' },
      'token-scale': { type: 'string', default: '16' },
      'kv-capacity': { type: 'string', default: '300000' },
      'prefill-tps': { type: 'string', default: '200000' },
      configs: { type: 'string', default: CONFIGS.join(',') },
      scenario: { type: 'string', default: 'on' },
    },
    strict: true,
  });
  const num = (k: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a number > 0`);
    return n;
  };
  let trace = values.trace;
  if (!fs.existsSync(trace)) trace = '/work/shared/traces/mooncake-conversation.jsonl';
  return {
    trace,
    requests: num('requests', values.requests),
    compression: num('compression', values.compression),
    tokenScale: num('token-scale', values['token-scale']),
    kvCapacity: num('kv-capacity', values['kv-capacity']),
    prefillTps: num('prefill-tps', values['prefill-tps']),
    configs: values.configs.split(',').map((c) => {
      const f = CONFIGS.find((x) => x === c.trim());
      if (!f) throw new Error(`unknown config '${c}'; known: ${CONFIGS.join(', ')}`);
      return f;
    }),
    scenario: values.scenario !== 'off',
  };
}

/** 4 engines with KV events on consecutive ports (PUB base+i, ROUTER base+100+i). */
async function startFleet(group: ProcessGroup, s: Settings, name: string): Promise<string[]> {
  const base = 30000 + Math.floor(Math.random() * 20000);
  const child = group.spawn(name, process.execPath, [
    collieBin,
    'mock-engine',
    ...['--host', '127.0.0.1', '--port', '0', '--count', String(ENGINES), '--model', MODEL],
    ...['--kv-capacity-tokens', String(s.kvCapacity), '--block-size', '16'],
    ...['--prefill-tps', String(s.prefillTps), '--prefill-shared'],
    ...['--kv-events', `tcp://127.0.0.1:${base}`, '--replay-port', String(base + 100)],
  ]);
  const deadline = Date.now() + 30_000;
  let urls: string[] = [];
  while (Date.now() < deadline) {
    if (child.hasExited()) throw new Error(describeExit(child, await child.exited));
    urls = [...child.stdout().matchAll(/^mock-engine (http:\/\/\S+)/gm)].map((m) => m[1] ?? '');
    if (urls.length >= ENGINES) break;
    await sleep(50);
  }
  if (urls.length < ENGINES) throw new Error(`mock engines not up: ${describeExit(child)}`);
  for (const u of urls) await waitForHttp(`${u}/v1/models`, { child });
  return urls;
}

interface Run {
  readonly name: string;
  readonly summary: Summary;
}

async function runOne(
  group: ProcessGroup,
  s: Settings,
  reqs: readonly TraceRequest[],
  config: ConfigName,
  breaking: boolean,
): Promise<Run> {
  const name = `${config}${breaking ? ' +direct+restart' : ''}`;
  process.stderr.write(`▶ ${name}\n`);
  const engines = await startFleet(group, s, `engines-${config}`);
  const redis = config === 'two_instances_redis' ? await startRedis(group) : null;
  const gateways: RunningGateway[] = [];
  const policy = config === 'round_robin' ? 'round_robin' : 'cache_aware';
  const extra = [
    ...(config === 'predicted' ? ['--disable-kv-events'] : []),
    ...(redis ? ['--redis-url', redis.url] : []),
  ];
  for (let i = 0; i < (redis ? 2 : 1); i++) {
    gateways.push(
      await startGatewayWith(group, {
        name: `collie-${config}-${i}`,
        workerUrls: engines,
        workers: 1,
        policy,
        extraArgs: extra,
      }),
    );
  }
  await sleep(1500); // subscriptions join (ZeroMQ connects asynchronously)
  const blockTokens = TRACE_BLOCK_TOKENS / s.tokenScale;
  // the second source replays requests 300 ahead, half of them, to a random engine; engine 0
  // restarts halfway
  const rng = mulberry32(7);
  const onTick = breaking
    ? (i: number): void => {
        const ahead = reqs[i + 300];
        if (ahead && rng() < 0.5) {
          direct(
            engines[Math.floor(rng() * ENGINES)] as string,
            MODEL,
            promptTokens(ahead, blockTokens),
          );
        }
        if (i === Math.floor(reqs.length / 2)) {
          void fetch(`${engines[0]}/mock/kv_events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"action":"restart"}',
          });
        }
      }
    : undefined;
  try {
    const r = await replay(
      reqs,
      gateways.map((g) => g.url),
      { model: MODEL, blockTokens, compression: s.compression, requestTimeoutMs: 60_000 },
      onTick,
    );
    const summary = summarize(r.samples);
    process.stderr.write(`  hit ${fmt(summary.hitRatio, 3)}, errors ${summary.errors}\n`);
    return { name, summary };
  } finally {
    for (const g of gateways) await group.stop(g.child);
    if (redis) await group.stop(redis.child);
    await group.stopAll();
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const s = settings();
  const all = loadTrace(s.trace, 0);
  const reqs = all.slice(0, s.requests);
  const blockTokens = TRACE_BLOCK_TOKENS / s.tokenScale;
  const ceiling = ceilingHitRatio(reqs, blockTokens);
  process.stderr.write(
    `trace bench: ${reqs.length} requests, ${s.compression}× faster, ${blockTokens} tokens per ` +
      `trace block, ${ENGINES} engines × ${s.kvCapacity} KV tokens; ceiling ${fmt(ceiling, 3)} ` +
      `(whole trace at 512: ${fmt(ceilingHitRatio(all, TRACE_BLOCK_TOKENS), 3)})\n`,
  );
  const group = createProcessGroup();
  installExitHandlers(group);
  const runs: Run[] = [];
  for (const c of s.configs) runs.push(await runOne(group, s, reqs, c, false));
  if (s.scenario) {
    for (const c of ['predicted', 'events'] as const)
      runs.push(await runOne(group, s, reqs, c, true));
  }
  const headers = [
    'config',
    'req',
    'err',
    'hit ratio',
    'of ceiling',
    'TTFT p50',
    'TTFT p99',
    'precision',
    'event decisions',
  ];
  const rows = runs.map((r) => [
    r.name,
    String(r.summary.requests),
    String(r.summary.errors),
    fmt(r.summary.hitRatio, 3),
    fmt(r.summary.hitRatio / ceiling, 3),
    fmt(r.summary.ttftP50Ms, 1),
    fmt(r.summary.ttftP99Ms, 1),
    fmt(r.summary.precision, 3),
    String(r.summary.eventDecisions),
  ]);
  process.stdout.write(
    `\n${formatTable(headers, rows)}\n(ceiling ${fmt(ceiling, 3)}; times in ms)\n`,
  );
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(
    { bench: 'trace', date: new Date().toISOString(), settings: s, ceiling, runs },
    null,
    2,
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `trace-${stamp}.json`), `${json}\n`);
  fs.writeFileSync(path.join(dir, 'trace-latest.json'), `${json}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`trace bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
