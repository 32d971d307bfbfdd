import { POLICY_NAMES, ASSIGNMENT_MODES } from '../policies/types';

/**
 * The one flag table for `collie launch`: SMG's names and defaults for everything collie
 * implements, plus collie's own (--workers). Config types derive from it; --help is built
 * from it. Units are in each description.
 */
export type FlagKind = 'string' | 'int' | 'float' | 'bool' | 'list' | 'map' | 'enum';

export interface FlagSpec {
  readonly key: string; // camelCase config key
  readonly flag: string; // --kebab-case
  readonly kind: FlagKind;
  readonly help: string;
  readonly default?: string | number | boolean | readonly string[];
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly aliases?: readonly string[];
}

export const LAUNCH_FLAGS = [
  { key: 'host', flag: '--host', kind: 'string', default: '0.0.0.0', help: 'Address to listen on' },
  {
    key: 'port',
    flag: '--port',
    kind: 'int',
    default: 30000,
    min: 0,
    max: 65535,
    help: 'Port to listen on (0 = pick a free port)',
  },
  {
    key: 'workerUrls',
    flag: '--worker-urls',
    kind: 'list',
    default: [],
    help: 'Engine base URLs (space separated, repeatable)',
  },
  {
    key: 'policy',
    flag: '--policy',
    kind: 'enum',
    choices: [...POLICY_NAMES, 'cache_aware', 'prefix_hash', 'bucket'],
    default: 'round_robin',
    help: 'Load-balancing policy (SMG default cache_aware is not available yet)',
  },
  {
    key: 'modelAlias',
    flag: '--model-alias',
    kind: 'map',
    default: [],
    help: 'ALIAS=MODEL: serve MODEL under a second name (repeatable)',
  },
  {
    key: 'maxPayloadSize',
    flag: '--max-payload-size',
    kind: 'int',
    default: 536870912,
    min: 1,
    help: 'Largest request body accepted, bytes',
  },
  {
    key: 'requestTimeoutSecs',
    flag: '--request-timeout-secs',
    kind: 'int',
    default: 1800,
    min: 1,
    help: 'Upstream timeout for a whole exchange including streams, seconds',
  },
  {
    key: 'requestIdHeaders',
    flag: '--request-id-headers',
    kind: 'list',
    default: ['x-request-id', 'x-correlation-id', 'x-trace-id', 'request-id'],
    help: 'Headers searched for a client request id (replaces the list)',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    kind: 'enum',
    choices: ['debug', 'info', 'warn', 'error'],
    default: 'info',
    help: 'Log level',
  },
  { key: 'logJson', flag: '--log-json', kind: 'bool', default: false, help: 'Log as JSON lines' },
  {
    key: 'workers',
    flag: '--workers',
    kind: 'int',
    min: 1,
    max: 256,
    help: 'Ingress processes sharing the port (default: CPU count; 1 = single process)',
  },
  {
    key: 'assignmentMode',
    flag: '--assignment-mode',
    kind: 'enum',
    choices: ASSIGNMENT_MODES,
    default: 'random',
    help: 'manual policy: how a new routing key is assigned',
  },
  {
    key: 'maxIdleSecs',
    flag: '--max-idle-secs',
    kind: 'int',
    default: 14400,
    min: 1,
    help: 'manual policy: idle sticky entries expire after, seconds',
  },
  {
    key: 'evictionInterval',
    flag: '--eviction-interval',
    kind: 'int',
    default: 120,
    min: 1,
    help: 'manual policy: idle sweep interval, seconds',
  },
  {
    key: 'workerStartupTimeoutSecs',
    flag: '--worker-startup-timeout-secs',
    kind: 'int',
    default: 1800,
    min: 1,
    help: 'How long a startup worker may take to become reachable, seconds',
  },
  {
    key: 'workerStartupCheckInterval',
    flag: '--worker-startup-check-interval',
    kind: 'int',
    default: 30,
    min: 1,
    help: 'Upper bound of the retry interval while a startup worker is unreachable, seconds',
  },
  {
    key: 'shutdownGracePeriodSecs',
    flag: '--shutdown-grace-period-secs',
    kind: 'int',
    default: 180,
    min: 0,
    help: 'SIGTERM/SIGINT: readiness 503 at once, keep accepting for min(grace/2, 5 s), then drain in-flight requests up to the rest, seconds',
  },
  {
    key: 'corsAllowedOrigins',
    flag: '--cors-allowed-origins',
    kind: 'list',
    default: [],
    help: 'Origins allowed by CORS (empty: any origin)',
  },
  {
    key: 'healthCheckPort',
    flag: '--health-check-port',
    kind: 'int',
    min: 0,
    max: 65535,
    help: 'Serve /liveness, /readiness, /health on this separate port too (off when unset)',
  },
  {
    key: 'prometheusHost',
    flag: '--prometheus-host',
    kind: 'string',
    default: '0.0.0.0',
    help: 'Address of the Prometheus /metrics listener',
  },
  {
    key: 'prometheusPort',
    flag: '--prometheus-port',
    kind: 'int',
    default: 29000,
    min: 0,
    max: 65535,
    help: 'Port of the Prometheus /metrics listener (0 = a free port); bind failure is fatal',
  },
  {
    key: 'prometheusDurationBuckets',
    flag: '--prometheus-duration-buckets',
    kind: 'list',
    default: [],
    help: 'Histogram buckets for durations, seconds (default: 29 buckets 0.001 … 7200)',
  },
] as const satisfies readonly FlagSpec[];

/**
 * SMG flags that collie does not implement yet. They are refused with a message naming
 * the flag instead of being silently accepted; a flag drops off this list automatically
 * once it is in LAUNCH_FLAGS.
 */
const SMG_FLAGS_NOT_IN_TABLE: readonly string[] = [
  '--api-key',
  '--tenant-api-key',
  '--control-plane-api-keys',
  '--jwt-issuer',
  '--jwt-audience',
  '--jwt-jwks-uri',
  '--jwt-role-claim',
  '--jwt-role-mapping',
  '--disable-audit-logging',
  '--health-check-port',
  '--health-check-interval-secs',
  '--health-check-timeout-secs',
  '--health-check-endpoint',
  '--health-success-threshold',
  '--health-failure-threshold',
  '--disable-health-check',
  '--remove-unhealthy-workers',
  '--drain-settle-secs',
  '--cb-failure-threshold',
  '--cb-success-threshold',
  '--cb-timeout-duration-secs',
  '--cb-window-duration-secs',
  '--disable-circuit-breaker',
  '--retry-max-retries',
  '--retry-initial-backoff-ms',
  '--retry-max-backoff-ms',
  '--retry-backoff-multiplier',
  '--retry-jitter-factor',
  '--disable-retries',
  '--max-concurrent-requests',
  '--queue-size',
  '--queue-timeout-secs',
  '--rate-limit-tokens-per-second',
  '--prometheus-host',
  '--prometheus-port',
  '--prometheus-duration-buckets',
  '--shutdown-grace-period-secs',
  '--cors-allowed-origins',
  '--load-monitor-interval',
  '--cache-threshold',
  '--balance-abs-threshold',
  '--balance-rel-threshold',
  '--max-tree-size',
  '--block-size',
  '--prefix-token-count',
  '--prefix-hash-load-factor',
  '--redis-url',
  '--tokenizer-path',
  '--model-path',
  '--model',
  '--tokenizer-cache-enable-l0',
  '--tokenizer-cache-l0-max-entries',
  '--tokenizer-cache-enable-l1',
  '--tokenizer-cache-l1-max-memory',
  '--pd-disaggregation',
  '--prefill',
  '--decode',
  '--prefill-policy',
  '--decode-policy',
  '--service-discovery',
  '--enable-igw',
  '--dp-aware',
  '--tls-cert-path',
  '--tls-key-path',
  '--enable-wasm',
  '--reasoning-parser',
  '--tool-call-parser',
  '--backend',
  '--runtime',
  '--history-backend',
  '--enable-mesh',
  '--routing-key-override',
  '--trust-tenant-header',
  '--tenant-header-name',
  '--least-load-kv-pressure-weight',
  '--least-load-default-throughput',
  '--least-load-mean-prefill-tokens',
  '--balance-token-usage-threshold',
  '--overload-token-usage-threshold',
  '--engine-metrics',
  '--log-dir',
];

const implemented = new Set<string>((LAUNCH_FLAGS as readonly FlagSpec[]).map((f) => f.flag));
export const UNSUPPORTED_SMG_FLAGS: readonly string[] = SMG_FLAGS_NOT_IN_TABLE.filter(
  (f) => !implemented.has(f),
);
