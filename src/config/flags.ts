import { SMG_LAUNCH_FLAGS } from './smg-flags';
import { uuidv7 } from '../util/uuid';
import { ASSIGNMENT_MODES, POLICY_NAMES } from '../policies/types';
import { defaultIngressCount } from './config';
import { bool, enumOf, float, int, list, map, str } from './flag-kinds';
import { OPS_FLAGS } from './flags-ops';
import { SERVING_FLAGS } from './flags-serving';
import { TOKENIZER } from './flags-tokenizer';
import { WASM_FLAGS } from './flags-wasm';
import { PARSERS } from './flags-parsers';
import { HA_FLAGS } from './flags-ha';
import { PRIORITY_FLAGS } from './flags-priority';
import { PD_SCHEMA, PREFIX_HASH_FLAGS } from './flags-pd';
import { HARDENING_FLAGS } from './flags-hardening';
import { KV_EVENTS_FLAGS } from './flags-kv-events';
import { computed, flagsOf, type FlagSpec } from './schema';
import {
  implementedPolicy,
  modelAliases,
  redisUrl,
  requestIdHeaders,
  workerUrls,
} from './transforms';

export type { FlagKind, FlagSpec } from './schema';

const CACHE_AWARE_FLAGS = {
  cacheThreshold: float('--cache-threshold', {
    default: 0.3,
    min: 0,
    max: 1,
    help: 'cache_aware: a prefix hit needs matched/total above this',
  }),
  balanceAbsThreshold: int('--balance-abs-threshold', {
    default: 64,
    min: 0,
    help: 'cache_aware: imbalanced when max − min in-flight exceeds this …',
  }),
  balanceRelThreshold: float('--balance-rel-threshold', {
    default: 1.5,
    min: 1,
    help: '… and max exceeds this × min',
  }),
  blockSize: int('--block-size', {
    default: 16,
    min: 1,
    max: 4096,
    help: 'cache_aware: prefix block size, tokens',
  }),
  maxTreeSize: int('--max-tree-size', {
    default: 67108864,
    min: 1,
    help: 'cache_aware: per-worker prefix capacity, tokens, when the engine does not report max_total_num_tokens',
  }),
  mode: enumOf('--cache-aware-mode', ['collie', 'smg'], {
    default: 'collie',
    help: 'cache_aware: collie (load-aware holder choice) or smg (SMG-faithful, for comparison)',
  }),
};

/** Serving and routing flags: listener, engines, policy, logging, ingress processes. */
const CORE_FLAGS = {
  host: str('--host', { default: '0.0.0.0', help: 'Address to listen on' }),
  port: int('--port', {
    default: 30000,
    min: 0,
    max: 65535,
    help: 'Port to listen on (0 = pick a free port)',
  }),
  workerUrls: list('--worker-urls', {
    default: [],
    help: 'Engine base URLs (space separated, repeatable)',
  }).to(workerUrls),
  policy: enumOf('--policy', POLICY_NAMES, {
    default: 'cache_aware',
    help: 'Load-balancing policy',
  }).to(implementedPolicy),
  modelAliases: map('--model-alias', {
    entry: 'ALIAS=MODEL',
    help: 'ALIAS=MODEL: serve MODEL under a second name (repeatable)',
  }).to(modelAliases),
  maxPayloadSize: int('--max-payload-size', {
    default: 536870912,
    min: 1,
    help: 'Largest request body accepted, bytes',
  }),
  requestTimeoutSecs: int('--request-timeout-secs', {
    default: 1800,
    min: 1,
    help: 'Deadline of a whole request: every attempt, backoff and the stream, seconds',
  }),
  engineMaxConnections: int('--engine-max-connections', {
    default: 0,
    min: 0,
    help: "Upstream connections per engine and ingress process (0 = no limit; a limit below the engine's own queues requests in the gateway)",
  }),
  /** Lower-case header names, searched in order. */
  requestIdHeaders: list('--request-id-headers', {
    default: ['x-request-id', 'x-correlation-id', 'x-trace-id', 'request-id'],
    help: 'Headers searched for a client request id (replaces the list)',
  }).to(requestIdHeaders),
  logLevel: enumOf('--log-level', ['debug', 'info', 'warn', 'error'], {
    default: 'info',
    help: 'Log level',
  }),
  logJson: bool('--log-json', { help: 'Log as JSON lines' }),
  /** Ingress processes sharing the port (the flag keeps SMG-style naming: --workers). */
  ingressProcesses: int('--workers', {
    min: 1,
    max: 256,
    defaultLabel: 'CPU count',
    help: 'Ingress processes sharing the port (1 = single process)',
  }).to((n) => n ?? defaultIngressCount()),
  assignmentMode: enumOf('--assignment-mode', ASSIGNMENT_MODES, {
    default: 'random',
    help: 'manual policy: how a new routing key is assigned',
  }),
  maxIdleSecs: int('--max-idle-secs', {
    default: 14400,
    min: 1,
    help: 'manual policy: idle sticky entries expire after, seconds',
  }),
  evictionInterval: int('--eviction-interval', {
    default: 120,
    min: 1,
    help: 'manual policy: idle sweep interval, seconds',
  }),
  workerStartupTimeoutSecs: int('--worker-startup-timeout-secs', {
    default: 1800,
    min: 1,
    help: 'How long a startup worker may take to become reachable, seconds',
  }),
  workerStartupCheckInterval: int('--worker-startup-check-interval', {
    default: 30,
    min: 1,
    help: 'Upper bound of the retry interval while a startup worker is unreachable, seconds',
  }),
  cacheAware: CACHE_AWARE_FLAGS,
  redisUrl: str('--redis-url', {
    help: 'Share routing state (prefix index, loads) with every instance on this Redis (redis://host:port/db) or Redis Cluster (redis+cluster://host:port[,host:port…] seed nodes); unset: this instance only',
  }).to(redisUrl),
};

/**
 * The launch schema: the shape of GatewayConfig, and the one flag table for `collie launch`
 * (SMG's names and defaults for everything collie implements, plus collie's own such as
 * --workers). --help and the README table are built from it; units are in each help text.
 */
export const LAUNCH_SCHEMA = {
  ...CORE_FLAGS,
  ...OPS_FLAGS,
  ...SERVING_FLAGS,
  tokenizer: TOKENIZER,
  wasm: WASM_FLAGS,
  parsers: PARSERS,
  ...HA_FLAGS,
  priority: PRIORITY_FLAGS,
  pd: PD_SCHEMA,
  prefixHash: PREFIX_HASH_FLAGS,
  hardening: HARDENING_FLAGS,
  kvEvents: KV_EVENTS_FLAGS,
  /** Random per start; names this instance's participants on shared buses. */
  instanceId: computed(() => uuidv7()),
};

/** Every flag of `collie launch`, in table order. */
export const LAUNCH_FLAGS: readonly FlagSpec[] = flagsOf(LAUNCH_SCHEMA);

/**
 * SMG flags that collie does not implement: refused with a message naming the flag instead
 * of being silently accepted or called unknown. A flag drops off this list automatically once
 * it (or an alias) is in LAUNCH_FLAGS.
 */
const implemented = new Set<string>(LAUNCH_FLAGS.flatMap((f) => [f.flag, ...f.aliases]));
export const UNSUPPORTED_SMG_FLAGS: readonly string[] = SMG_LAUNCH_FLAGS.filter(
  (f) => !implemented.has(f),
);
