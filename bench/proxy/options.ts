import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_KINDS, type EngineKind } from '../lib/collie';
import { repoRoot } from '../lib/paths';
import { int, list, oneOf, oneOfList, positiveNumber, UsageError } from './option-values';
import { pinningProblem } from './pinning';

export { UsageError } from './option-values';

/** floor = bench/lib/floor-relay.ts; collie = --policy round_robin; collie-ca = cache_aware. */
export const TARGET_KINDS = ['direct', 'floor', 'collie', 'collie-ca', 'nginx'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const PHASES = ['throughput', 'streaming', 'latency', 'fixed-rate', 'slow-streams'] as const;
/**
 * throughput: non-streaming chat, wrk -c connections (max rate, CPU per request);
 * streaming: the same load with stream:true (CPU per chunk);
 * latency: closed loop at -c latency-connections; fixed-rate: paced wrk at --rate (added
 * p50/p99/p99.9); slow-streams: N concurrent slow streams at once (time until all complete).
 */
export type Phase = (typeof PHASES)[number];
/** The phases measured with wrk (slow-streams uses bench/lib/stream-burst.ts). */
export type WrkPhase = Exclude<Phase, 'slow-streams'>;

export interface ProxyBenchOptions {
  /** Measured seconds per wrk run (whole seconds). */
  readonly durationS: number;
  /** Unmeasured wrk run before each measured one, seconds; 0 = none. */
  readonly warmupS: number;
  /** NODE_OPTIONS for collie's processes only; undefined = inherited. */
  readonly collieNodeOptions: string | undefined;
  /** Closed-loop seconds per target before the first round (JIT, pools), unmeasured. */
  readonly primeS: number;
  readonly connections: number;
  readonly threads: number;
  readonly latencyConnections: number;
  readonly latencyThreads: number;
  /** Runs per configuration; the report gives medians. */
  readonly repeat: number;
  /** Process counts: collie --workers N, floor and nginx worker_processes N. */
  readonly workers: readonly number[];
  readonly targets: readonly TargetKind[];
  readonly phases: readonly Phase[];
  readonly engine: EngineKind;
  /** Engine processes (uws and stub engines). */
  readonly engineProcesses: number;
  /** SSE chunks per request in the streaming phase. */
  readonly streamChunks: number;
  /** fixed-rate: aggregate req/s, or 'auto' = 30% of the slowest target's throughput. */
  readonly rate: number | 'auto';
  readonly rateConnections: number;
  /** fixed-rate: measured seconds per run. */
  readonly rateDurationS: number;
  /** slow-streams: concurrent streams per run, chunks per stream, ms before each chunk. */
  readonly slowStreams: number;
  readonly slowChunks: number;
  readonly slowChunkDelayMs: number;
  /** wrk --timeout, seconds. */
  readonly wrkTimeoutS: number;
  readonly outDir: string;
  readonly verbose: boolean;
  /** Proxies on CPUs of their own, engine and wrk on the rest (see pinning.ts). */
  readonly pin: boolean;
}

export const USAGE = `Usage: npm run bench:proxy -- [options]
  (or: node dist/bench/proxy.js [options]; every option also reads the env var shown)

Measures, against one engine on 127.0.0.1: the engine directly, the floor (a minimal
uWebSockets.js + undici relay, bench/lib/floor-relay.ts), collie (--policy round_robin and
cache_aware) and nginx (plain reverse proxy, upstream keep-alive). Reports collie ÷ floor and
collie ÷ nginx ratios against the issue's targets, medians over --repeat interleaved rounds.

  --duration <s>             measured seconds per wrk run                        BENCH_DURATION (5)
  --warmup <s>               unmeasured run before each run; 0 = none            BENCH_WARMUP (1)
  --prime <s>                unmeasured run per target before round 1 (JIT       BENCH_PRIME (5)
                             compiles, pools fill); 0 = none
  --connections <n>          wrk -c, throughput and streaming phases             BENCH_CONNECTIONS (64)
  --threads <n>              wrk -t, throughput and streaming phases             BENCH_THREADS (2)
  --latency-connections <n>  wrk -c, closed-loop latency phase                   BENCH_LATENCY_CONNECTIONS (8)
  --latency-threads <n>      wrk -t, latency and fixed-rate phases               BENCH_LATENCY_THREADS (1)
  --repeat <n>               runs per configuration (medians)                    BENCH_REPEAT (3)
  --workers <list>           process counts for floor, collie and nginx          BENCH_WORKERS (1,2)
  --targets <list>           subset of direct,floor,collie,collie-ca,nginx       BENCH_TARGETS (all)
  --phases <list>            subset of throughput,streaming,latency,             BENCH_PHASES (all)
                             fixed-rate,slow-streams
  --engine <kind>            uws: bench/lib/uws-engine.ts (cheapest);            BENCH_ENGINE (uws)
                             stub: node:http (bench/lib/stub-engine.ts);
                             collie: bin/collie.js mock-engine (no slow-streams)
  --engine-processes <n>     engine processes (uws, stub)                        BENCH_ENGINE_PROCESSES (1)
  --stream-chunks <n>        SSE chunks per request, streaming phase             BENCH_STREAM_CHUNKS (16)
  --rate <req/s|auto>        fixed-rate phase, aggregate; auto = 30% of the      BENCH_RATE (2000)
                             slowest target's round-1 throughput
  --rate-connections <n>     wrk -c, fixed-rate phase                            BENCH_RATE_CONNECTIONS (50)
  --rate-duration <s>        measured seconds per fixed-rate run                 BENCH_RATE_DURATION (10)
  --slow-streams <n>         concurrent streams, slow-streams phase              BENCH_SLOW_STREAMS (5000)
  --slow-chunks <n>          chunks per slow stream                              BENCH_SLOW_CHUNKS (10)
  --slow-chunk-delay <ms>    engine delay before each slow-stream chunk          BENCH_SLOW_CHUNK_DELAY (500)
  --wrk-timeout <s>          wrk --timeout                                       BENCH_WRK_TIMEOUT (5)
  --collie-node-options <s>  NODE_OPTIONS for collie's processes only: V8 flags,   BENCH_COLLIE_NODE_OPTIONS
                             as --collie-node-options="--max-semi-space-size=64"
  --out <dir>                directory for the JSON results                      BENCH_OUT (bench/results)
  --verbose                  copy engine/proxy output to stderr                  BENCH_VERBOSE=1
  --pin                      proxies on CPUs of their own (0…P−1), engine and    BENCH_PIN=1
                             wrk on the others (taskset); needs more CPUs than
                             the widest --workers
  --help
`;

const STRING = { type: 'string' } as const;
const OPTION_SPEC = {
  duration: STRING,
  warmup: STRING,
  prime: STRING,
  'collie-node-options': STRING,
  connections: STRING,
  threads: STRING,
  'latency-connections': STRING,
  'latency-threads': STRING,
  repeat: STRING,
  workers: STRING,
  targets: STRING,
  phases: STRING,
  engine: STRING,
  'engine-processes': STRING,
  'stream-chunks': STRING,
  rate: STRING,
  'rate-connections': STRING,
  'rate-duration': STRING,
  'slow-streams': STRING,
  'slow-chunks': STRING,
  'slow-chunk-delay': STRING,
  'wrk-timeout': STRING,
  out: STRING,
  verbose: { type: 'boolean' },
  pin: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
type StringFlag = Exclude<keyof typeof OPTION_SPEC, 'verbose' | 'pin' | 'help'>;
type Getter = (flag: StringFlag, envName: string, fallback: string) => string;
type Values = ReturnType<typeof parseFlags>;

/** Flags win over env vars, env vars over defaults. Throws {@link UsageError}. */
export function parseProxyBenchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ProxyBenchOptions | 'help' {
  const values = parseFlags(argv);
  if (values.help === true) return 'help';
  const get: Getter = (flag, envName, fallback) => values[flag] ?? env[envName] ?? fallback;
  const engine = oneOf(get('engine', 'BENCH_ENGINE', 'uws'), ENGINE_KINDS, 'engine');
  const options: ProxyBenchOptions = {
    ...wrkOptions(get),
    repeat: int(get('repeat', 'BENCH_REPEAT', '3'), 'repeat', 1),
    workers: list(get('workers', 'BENCH_WORKERS', '1,2'), 'workers').map((w) =>
      int(w, 'workers', 1),
    ),
    targets: oneOfList(
      get('targets', 'BENCH_TARGETS', TARGET_KINDS.join(',')),
      TARGET_KINDS,
      'targets',
    ),
    phases: phases(values, env, engine),
    engine,
    engineProcesses: int(
      get('engine-processes', 'BENCH_ENGINE_PROCESSES', '1'),
      'engine-processes',
      1,
    ),
    ...streamOptions(get),
    collieNodeOptions: get('collie-node-options', 'BENCH_COLLIE_NODE_OPTIONS', '') || undefined,
    outDir: path.resolve(repoRoot, get('out', 'BENCH_OUT', path.join('bench', 'results'))),
    verbose: values.verbose === true || env['BENCH_VERBOSE'] === '1',
    pin: values.pin === true || env['BENCH_PIN'] === '1',
  };
  checkConsistency(options);
  return options;
}

function wrkOptions(get: Getter) {
  return {
    durationS: int(get('duration', 'BENCH_DURATION', '5'), 'duration', 1),
    warmupS: int(get('warmup', 'BENCH_WARMUP', '1'), 'warmup', 0),
    primeS: int(get('prime', 'BENCH_PRIME', '5'), 'prime', 0),
    connections: int(get('connections', 'BENCH_CONNECTIONS', '64'), 'connections', 1),
    threads: int(get('threads', 'BENCH_THREADS', '2'), 'threads', 1),
    latencyConnections: int(
      get('latency-connections', 'BENCH_LATENCY_CONNECTIONS', '8'),
      'latency-connections',
      1,
    ),
    latencyThreads: int(get('latency-threads', 'BENCH_LATENCY_THREADS', '1'), 'latency-threads', 1),
    wrkTimeoutS: int(get('wrk-timeout', 'BENCH_WRK_TIMEOUT', '5'), 'wrk-timeout', 1),
  };
}

function streamOptions(get: Getter) {
  const rate = get('rate', 'BENCH_RATE', '2000');
  return {
    streamChunks: int(get('stream-chunks', 'BENCH_STREAM_CHUNKS', '16'), 'stream-chunks', 1),
    rate: rate === 'auto' ? ('auto' as const) : positiveNumber(rate, 'rate'),
    rateConnections: int(
      get('rate-connections', 'BENCH_RATE_CONNECTIONS', '50'),
      'rate-connections',
      1,
    ),
    rateDurationS: int(get('rate-duration', 'BENCH_RATE_DURATION', '10'), 'rate-duration', 1),
    slowStreams: int(get('slow-streams', 'BENCH_SLOW_STREAMS', '5000'), 'slow-streams', 1),
    slowChunks: int(get('slow-chunks', 'BENCH_SLOW_CHUNKS', '10'), 'slow-chunks', 1),
    slowChunkDelayMs: int(
      get('slow-chunk-delay', 'BENCH_SLOW_CHUNK_DELAY', '500'),
      'slow-chunk-delay',
      1,
    ),
  };
}

/** collie's mock engine cannot delay chunks per request: by default it skips slow-streams. */
function phases(values: Values, env: NodeJS.ProcessEnv, engine: EngineKind): Phase[] {
  const given = values.phases ?? env['BENCH_PHASES'];
  if (given === undefined) {
    return PHASES.filter((p) => engine !== 'collie' || p !== 'slow-streams');
  }
  const chosen = oneOfList(given, PHASES, 'phases');
  if (engine === 'collie' && chosen.includes('slow-streams')) {
    throw new UsageError('--phases slow-streams needs --engine uws or stub (per-chunk delays)');
  }
  return chosen;
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTION_SPEC, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function checkConsistency(o: ProxyBenchOptions): void {
  const pinned = pinningProblem(o);
  if (pinned !== undefined) throw new UsageError(pinned);
  if (o.connections < o.threads) {
    throw new UsageError(`--connections (${o.connections}) must be ≥ --threads (${o.threads})`);
  }
  if (o.latencyConnections < o.latencyThreads) {
    throw new UsageError(
      `--latency-connections (${o.latencyConnections}) must be ≥ --latency-threads (${o.latencyThreads})`,
    );
  }
  if (o.rateConnections < o.latencyThreads) {
    throw new UsageError(
      `--rate-connections (${o.rateConnections}) must be ≥ --latency-threads (${o.latencyThreads})`,
    );
  }
  if (o.rate === 'auto' && o.phases.includes('fixed-rate') && !o.phases.includes('throughput')) {
    throw new UsageError('--rate auto needs the throughput phase (it sets the rate)');
  }
}
