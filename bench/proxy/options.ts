import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_KINDS, type EngineKind } from '../lib/collie';
import { repoRoot } from '../lib/paths';

export const TARGET_KINDS = ['direct', 'collie', 'nginx'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const PHASES = ['throughput', 'latency'] as const;
/** throughput: -c connections (max rate); latency: -c latency-connections (added-latency check). */
export type Phase = (typeof PHASES)[number];

export interface ProxyBenchOptions {
  /** Measured seconds per wrk run (whole seconds). */
  readonly durationS: number;
  /** Unmeasured wrk run before each measured one, seconds; 0 = none. */
  readonly warmupS: number;
  readonly connections: number;
  readonly threads: number;
  readonly latencyConnections: number;
  readonly latencyThreads: number;
  /** Runs per configuration; the report gives medians. */
  readonly repeat: number;
  /** Process counts: collie --workers N and nginx worker_processes N. */
  readonly workers: readonly number[];
  readonly targets: readonly TargetKind[];
  readonly phases: readonly Phase[];
  readonly engine: EngineKind;
  /** wrk --timeout, seconds. */
  readonly wrkTimeoutS: number;
  readonly outDir: string;
  readonly verbose: boolean;
}

export class UsageError extends Error {
  readonly code = 'usage_error';
}

export const USAGE = `Usage: npm run bench:proxy -- [options]
  (or: node dist/bench/proxy.js [options]; every option also reads the env var shown)

Compares requests through collie and through nginx (plain reverse proxy, upstream keep-alive)
with requests sent to the mock engine directly, using wrk on 127.0.0.1.

  --duration <s>             measured seconds per run                            BENCH_DURATION (5)
  --warmup <s>               unmeasured run before each run; 0 = none            BENCH_WARMUP (1)
  --connections <n>          wrk -c, throughput phase                            BENCH_CONNECTIONS (64)
  --threads <n>              wrk -t, throughput phase                            BENCH_THREADS (2)
  --latency-connections <n>  wrk -c, added-latency check                         BENCH_LATENCY_CONNECTIONS (8)
  --latency-threads <n>      wrk -t, added-latency check                         BENCH_LATENCY_THREADS (1)
  --repeat <n>               runs per configuration (medians)                    BENCH_REPEAT (3)
  --workers <list>           process counts for collie and nginx                 BENCH_WORKERS (1,2)
  --targets <list>           subset of direct,collie,nginx                       BENCH_TARGETS (all)
  --phases <list>            subset of throughput,latency                        BENCH_PHASES (both)
  --engine <kind>            collie: bin/collie.js mock-engine;                  BENCH_ENGINE (collie)
                             stub: node:http stand-in (bench/lib/stub-engine.ts)
  --wrk-timeout <s>          wrk --timeout                                       BENCH_WRK_TIMEOUT (5)
  --out <dir>                directory for the JSON results                      BENCH_OUT (bench/results)
  --verbose                  copy engine/collie output to stderr                 BENCH_VERBOSE=1
  --help
`;

const STRING = { type: 'string' } as const;
const OPTION_SPEC = {
  duration: STRING,
  warmup: STRING,
  connections: STRING,
  threads: STRING,
  'latency-connections': STRING,
  'latency-threads': STRING,
  repeat: STRING,
  workers: STRING,
  targets: STRING,
  phases: STRING,
  engine: STRING,
  'wrk-timeout': STRING,
  out: STRING,
  verbose: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
type StringFlag = Exclude<keyof typeof OPTION_SPEC, 'verbose' | 'help'>;

/** Flags win over env vars, env vars over defaults. Throws {@link UsageError}. */
export function parseProxyBenchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ProxyBenchOptions | 'help' {
  const values = parseFlags(argv);
  if (values.help === true) return 'help';
  const get = (flag: StringFlag, envName: string, fallback: string): string =>
    values[flag] ?? env[envName] ?? fallback;
  const options: ProxyBenchOptions = {
    durationS: int(get('duration', 'BENCH_DURATION', '5'), 'duration', 1),
    warmupS: int(get('warmup', 'BENCH_WARMUP', '1'), 'warmup', 0),
    connections: int(get('connections', 'BENCH_CONNECTIONS', '64'), 'connections', 1),
    threads: int(get('threads', 'BENCH_THREADS', '2'), 'threads', 1),
    latencyConnections: int(
      get('latency-connections', 'BENCH_LATENCY_CONNECTIONS', '8'),
      'latency-connections',
      1,
    ),
    latencyThreads: int(get('latency-threads', 'BENCH_LATENCY_THREADS', '1'), 'latency-threads', 1),
    repeat: int(get('repeat', 'BENCH_REPEAT', '3'), 'repeat', 1),
    workers: list(get('workers', 'BENCH_WORKERS', '1,2'), 'workers').map((w) =>
      int(w, 'workers', 1),
    ),
    targets: oneOfList(
      get('targets', 'BENCH_TARGETS', TARGET_KINDS.join(',')),
      TARGET_KINDS,
      'targets',
    ),
    phases: oneOfList(get('phases', 'BENCH_PHASES', PHASES.join(',')), PHASES, 'phases'),
    engine: oneOf(get('engine', 'BENCH_ENGINE', 'collie'), ENGINE_KINDS, 'engine'),
    wrkTimeoutS: int(get('wrk-timeout', 'BENCH_WRK_TIMEOUT', '5'), 'wrk-timeout', 1),
    outDir: path.resolve(repoRoot, get('out', 'BENCH_OUT', path.join('bench', 'results'))),
    verbose: values.verbose === true || env['BENCH_VERBOSE'] === '1',
  };
  checkConsistency(options);
  return options;
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTION_SPEC, strict: true }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function checkConsistency(o: ProxyBenchOptions): void {
  if (o.connections < o.threads) {
    throw new UsageError(`--connections (${o.connections}) must be ≥ --threads (${o.threads})`);
  }
  if (o.latencyConnections < o.latencyThreads) {
    throw new UsageError(
      `--latency-connections (${o.latencyConnections}) must be ≥ --latency-threads (${o.latencyThreads})`,
    );
  }
}

function int(text: string, name: string, min: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${text}"`);
  }
  return value;
}

function list(text: string, name: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`--${name}: empty list`);
  return [...new Set(items)];
}

function oneOf<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) {
    throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got "${text}"`);
  }
  return found;
}

/** The chosen items in the order of `allowed` (so the report order never depends on the flag). */
function oneOfList<T extends string>(text: string, allowed: readonly T[], name: string): T[] {
  const chosen = list(text, name).map((item) => oneOf(item, allowed, name));
  return allowed.filter((a) => chosen.includes(a));
}
