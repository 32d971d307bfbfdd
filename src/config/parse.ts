import { LAUNCH_FLAGS, UNSUPPORTED_SMG_FLAGS, type FlagSpec } from './flags';
import { CLUSTER_SCHEME, clusterNodes } from '../state/redis-client';
import { defaultWorkerCount, type GatewayConfig } from './config';
import { validateWorkerUrl } from '../core/worker-url';
import { uuidv7 } from '../util/uuid';
import { POLICY_NAMES, type PolicyName } from '../policies/types';
import { parseControlPlaneKey, parseRoleMapping, parseTenantKey, type AuthConfig } from '../auth';
import { tokenizerConfig } from './tokenizer-config';

/** A startup configuration error; the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type RawValue = string | number | boolean | string[];

const byFlag = new Map<string, FlagSpec>();
for (const f of LAUNCH_FLAGS) {
  byFlag.set(f.flag, f);
  for (const a of f.aliases ?? []) byFlag.set(a, f);
}
const unsupported = new Set(UNSUPPORTED_SMG_FLAGS);

function parseNumber(spec: FlagSpec, text: string): number {
  const n = spec.kind === 'int' ? Number(text) : Number.parseFloat(text);
  if (text.trim() === '' || !Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) {
    throw new ConfigError(
      `${spec.flag}: expected ${spec.kind === 'int' ? 'an integer' : 'a number'}, got '${text}'`,
    );
  }
  if (spec.min !== undefined && n < spec.min)
    throw new ConfigError(`${spec.flag}: must be >= ${spec.min}, got ${n}`);
  if (spec.max !== undefined && n > spec.max)
    throw new ConfigError(`${spec.flag}: must be <= ${spec.max}, got ${n}`);
  return n;
}

function parseScalar(spec: FlagSpec, text: string): RawValue {
  switch (spec.kind) {
    case 'int':
    case 'float':
      return parseNumber(spec, text);
    case 'enum':
      if (!spec.choices?.includes(text)) {
        throw new ConfigError(
          `${spec.flag}: invalid value '${text}' (choose from ${spec.choices?.join(', ')})`,
        );
      }
      return text;
    case 'bool':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new ConfigError(`${spec.flag}: expected true or false, got '${text}'`);
    case 'string':
    case 'list':
    case 'map':
      return text;
  }
}

/** Splits argv into (flag → raw values). Lists take every following non-flag token. */
function scan(argv: readonly string[]): Map<FlagSpec, RawValue> {
  const out = new Map<FlagSpec, RawValue>();
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (!tok.startsWith('--')) throw new ConfigError(`unexpected argument '${tok}'`);
    const eq = tok.indexOf('=');
    const name = eq >= 0 ? tok.slice(0, eq) : tok;
    const inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
    if (unsupported.has(name)) {
      throw new ConfigError(`${name} is an SMG flag that collie does not support yet`);
    }
    const spec = byFlag.get(name);
    if (!spec) throw new ConfigError(`unknown flag '${name}' (see collie launch --help)`);
    if (spec.kind === 'bool' && inline === undefined) {
      out.set(spec, true);
      continue;
    }
    if (spec.kind === 'list' || spec.kind === 'map') {
      const prev = out.get(spec);
      const values = Array.isArray(prev) ? prev : [];
      if (inline !== undefined) values.push(inline);
      while (
        inline === undefined &&
        i + 1 < argv.length &&
        !(argv[i + 1] as string).startsWith('--')
      ) {
        values.push(argv[++i] as string);
      }
      if (values.length === 0) throw new ConfigError(`${name}: expects at least one value`);
      out.set(spec, values);
      continue;
    }
    const text = inline ?? argv[++i];
    if (text === undefined || (inline === undefined && text.startsWith('--'))) {
      throw new ConfigError(`${name}: expects a value`);
    }
    out.set(spec, parseScalar(spec, text));
  }
  return out;
}

function parseAliases(entries: readonly string[]): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    const alias = e.slice(0, eq).trim();
    const model = e.slice(eq + 1).trim();
    if (eq <= 0 || !alias || !model)
      throw new ConfigError(`--model-alias: expected ALIAS=MODEL, got '${e}'`);
    if (alias === model) throw new ConfigError(`--model-alias: '${alias}' aliases itself`);
    const prev = aliases[alias];
    if (prev !== undefined && prev !== model) {
      throw new ConfigError(`--model-alias: '${alias}' maps to both '${prev}' and '${model}'`);
    }
    aliases[alias] = model;
  }
  return aliases;
}

function optString(v: RawValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Auth flags (SMG §2) with SMG's environment fallbacks; bad entries are startup errors. */
function parseAuthConfig(
  values: Record<string, RawValue>,
  env: Readonly<Record<string, string | undefined>>,
): AuthConfig {
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  };
  const cpKeys = [...(values['controlPlaneApiKeys'] as string[])];
  if (cpKeys.length === 0 && env['CONTROL_PLANE_API_KEYS']) {
    cpKeys.push(
      ...env['CONTROL_PLANE_API_KEYS']
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    );
  }
  const issuer = optString(values['jwtIssuer']) ?? env['JWT_ISSUER'];
  const audience = optString(values['jwtAudience']) ?? env['JWT_AUDIENCE'];
  const jwksUri = optString(values['jwtJwksUri']) ?? env['JWT_JWKS_URI'];
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new ConfigError('--jwt-issuer and --jwt-audience must be given together');
  }
  const apiKey = optString(values['apiKey']);
  const tenantApiKeys = (values['tenantApiKey'] as string[]).map((e) =>
    wrap(() => parseTenantKey(e)),
  );
  if (new Set(tenantApiKeys.map((t) => t.tenant)).size !== tenantApiKeys.length) {
    throw new ConfigError('--tenant-api-key: duplicate tenant');
  }
  return {
    ...(apiKey !== undefined ? { apiKey } : {}),
    tenantApiKeys,
    controlPlaneApiKeys: cpKeys.map((e) => wrap(() => parseControlPlaneKey(e))),
    ...(issuer !== undefined && audience !== undefined
      ? {
          jwt: {
            issuer,
            audience,
            ...(jwksUri !== undefined ? { jwksUri } : {}),
            roleClaim: values['jwtRoleClaim'] as string,
            roleMapping: (values['jwtRoleMapping'] as string[]).map((e) =>
              wrap(() => parseRoleMapping(e)),
            ),
          },
        }
      : {}),
    disableAuditLogging: values['disableAuditLogging'] as boolean,
  };
}

function redisUrl(u: string): string {
  if (u.startsWith(CLUSTER_SCHEME)) {
    try {
      clusterNodes(u);
    } catch (err) {
      throw new ConfigError(`--redis-url: ${(err as Error).message}`);
    }
    return u;
  }
  if (!/^rediss?:\/\/[^/]+/.test(u))
    throw new ConfigError(
      `--redis-url: expected redis://host:port[/db] or redis+cluster://host:port[,host:port…], got '${u}'`,
    );
  return u;
}

function healthEndpoint(p: string): string {
  if (!p.startsWith('/'))
    throw new ConfigError(`--health-check-endpoint: must start with '/', got '${p}'`);
  return p;
}

function parseRetry(values: Record<string, RawValue>): GatewayConfig['retry'] {
  const initial = values['retryInitialBackoffMs'] as number;
  const max = values['retryMaxBackoffMs'] as number;
  if (max < initial) {
    throw new ConfigError('--retry-max-backoff-ms must be >= --retry-initial-backoff-ms');
  }
  return {
    maxAttempts: (values['disableRetries'] as boolean) ? 1 : (values['retryMaxRetries'] as number),
    initialBackoffMs: initial,
    maxBackoffMs: max,
    multiplier: values['retryBackoffMultiplier'] as number,
    jitter: values['retryJitterFactor'] as number,
  };
}

function parseBuckets(entries: readonly string[]): number[] {
  const out = entries.map((e) => Number(e));
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
    if (!Number.isFinite(v) || v <= 0) {
      throw new ConfigError(
        `--prometheus-duration-buckets: '${entries[i]}' is not a positive number`,
      );
    }
    if (i > 0 && v <= (out[i - 1] as number)) {
      throw new ConfigError('--prometheus-duration-buckets: buckets must be strictly increasing');
    }
  }
  return out;
}

/** argv (after `launch`) → validated, frozen config. Throws ConfigError with a clear message. */
export function parseLaunchArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): GatewayConfig {
  const raw = scan(argv);
  const values: Record<string, RawValue> = {};
  for (const f of LAUNCH_FLAGS) {
    const v = raw.get(f) ?? (f.default as RawValue | undefined);
    if (v !== undefined) values[f.key] = Array.isArray(v) ? [...v] : v;
  }
  const policy = values['policy'] as string;
  if (policy === 'prefix_hash' || policy === 'bucket') {
    throw new ConfigError(
      `--policy ${policy} is not available in this collie version yet; choose one of ${POLICY_NAMES.join(', ')}`,
    );
  }
  const workerUrls = (values['workerUrls'] as string[]).map((u) => {
    const problem = validateWorkerUrl(u);
    if (problem) throw new ConfigError(`--worker-urls: invalid URL '${u}': ${problem}`);
    return u.replace(/\/+$/, '');
  });
  if (new Set(workerUrls).size !== workerUrls.length)
    throw new ConfigError('--worker-urls: duplicate URL');
  const requestIdHeaders = (values['requestIdHeaders'] as string[]).map((h) => h.toLowerCase());
  for (const h of requestIdHeaders) {
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h))
      throw new ConfigError(`--request-id-headers: invalid header name '${h}'`);
  }
  const cfg: GatewayConfig = {
    host: values['host'] as string,
    port: values['port'] as number,
    workerUrls,
    policy: policy as PolicyName,
    modelAliases: parseAliases(values['modelAlias'] as string[]),
    maxPayloadSize: values['maxPayloadSize'] as number,
    requestTimeoutSecs: values['requestTimeoutSecs'] as number,
    requestIdHeaders,
    logLevel: values['logLevel'] as GatewayConfig['logLevel'],
    logJson: values['logJson'] as boolean,
    workers: (values['workers'] as number | undefined) ?? defaultWorkerCount(),
    assignmentMode: values['assignmentMode'] as GatewayConfig['assignmentMode'],
    maxIdleSecs: values['maxIdleSecs'] as number,
    evictionInterval: values['evictionInterval'] as number,
    workerStartupTimeoutSecs: values['workerStartupTimeoutSecs'] as number,
    workerStartupCheckInterval: values['workerStartupCheckInterval'] as number,
    shutdownGracePeriodSecs: values['shutdownGracePeriodSecs'] as number,
    prometheusHost: values['prometheusHost'] as string,
    prometheusPort: values['prometheusPort'] as number,
    prometheusDurationBuckets: parseBuckets(values['prometheusDurationBuckets'] as string[]),
    auth: parseAuthConfig(values, env),
    loadMonitorInterval: values['loadMonitorInterval'] as number,
    ...(optString(values['redisUrl']) !== undefined
      ? { redisUrl: redisUrl(values['redisUrl'] as string) }
      : {}),
    instanceId: uuidv7(),
    cacheAware: {
      cacheThreshold: values['cacheThreshold'] as number,
      balanceAbsThreshold: values['balanceAbsThreshold'] as number,
      balanceRelThreshold: values['balanceRelThreshold'] as number,
      blockSize: values['blockSize'] as number,
      maxTreeSize: values['maxTreeSize'] as number,
      mode: values['cacheAwareMode'] as 'collie' | 'smg',
    },
    health: {
      intervalSecs: values['healthCheckIntervalSecs'] as number,
      timeoutSecs: values['healthCheckTimeoutSecs'] as number,
      endpoint: healthEndpoint(values['healthCheckEndpoint'] as string),
      successThreshold: values['healthSuccessThreshold'] as number,
      failureThreshold: values['healthFailureThreshold'] as number,
      disabled: values['disableHealthCheck'] as boolean,
      removeUnhealthy: values['removeUnhealthyWorkers'] as boolean,
      drainSettleSecs: values['drainSettleSecs'] as number,
    },
    circuitBreaker: {
      failureThreshold: values['cbFailureThreshold'] as number,
      successThreshold: values['cbSuccessThreshold'] as number,
      timeoutSecs: values['cbTimeoutDurationSecs'] as number,
      halfOpenMaxProbes: values['cbHalfOpenMaxProbes'] as number,
      disabled: values['disableCircuitBreaker'] as boolean,
    },
    retry: parseRetry(values),
    admission: {
      maxConcurrent: values['maxConcurrentRequests'] as number,
      queueSize: values['queueSize'] as number,
      queueTimeoutSecs: values['queueTimeoutSecs'] as number,
      ...(values['rateLimitTokensPerSecond'] !== undefined
        ? { refillPerSec: values['rateLimitTokensPerSecond'] as number }
        : {}),
    },
    corsAllowedOrigins: values['corsAllowedOrigins'] as string[],
    tokenizer: tokenizerConfig(values, env),
    ...(values['healthCheckPort'] !== undefined
      ? { healthCheckPort: values['healthCheckPort'] as number }
      : {}),
  };
  return Object.freeze(cfg);
}

/** The README's flag table (markdown), generated from the same table as --help. */
export function launchFlagsMarkdown(): string {
  const rows = ['| flag | default | meaning |', '|---|---|---|'];
  for (const f of LAUNCH_FLAGS) {
    const def =
      f.key === 'workers'
        ? 'CPU count'
        : f.default === undefined
          ? 'unset'
          : Array.isArray(f.default)
            ? (f.default as string[]).join(' ') || 'none'
            : String(f.default);
    const choices = f.choices ? ` (${f.choices.join(', ')})` : '';
    rows.push(`| \`${f.flag}\` | \`${def}\` | ${f.help}${choices} |`);
  }
  return rows.join('\n');
}

/** The --help text, generated from the flag table. */
export function launchHelp(): string {
  const lines = ['Usage: collie launch [flags]', '', 'Flags:'];
  for (const f of LAUNCH_FLAGS) {
    const arg =
      f.kind === 'bool' ? '' : f.kind === 'list' ? ' <v>...' : f.kind === 'map' ? ' <k=v>' : ' <v>';
    const def =
      f.key === 'workers'
        ? 'CPU count'
        : f.default === undefined
          ? 'off'
          : JSON.stringify(f.default);
    const choices = f.choices ? ` {${f.choices.join(', ')}}` : '';
    lines.push(`  ${(f.flag + arg).padEnd(36)} ${f.help}${choices} (default: ${def})`);
  }
  return lines.join('\n');
}
