import { ConfigError } from './errors';
import { CLUSTER_SCHEME, clusterNodes } from '../state/redis-client';
import { validateWorkerUrl } from '../core/worker-url';
import { POLICY_NAMES, type PolicyName } from '../policies/types';

/** Per-flag transforms: checks that need the whole value, and normalisation. */

/** SMG's URL rules; trailing slashes dropped; no duplicates. */
export function workerUrls(urls: readonly string[]): readonly string[] {
  const out = urls.map((u) => {
    const problem = validateWorkerUrl(u);
    if (problem) throw new ConfigError(`--worker-urls: invalid URL '${u}': ${problem}`);
    return u.replace(/\/+$/, '');
  });
  if (new Set(out).size !== out.length) throw new ConfigError('--worker-urls: duplicate URL');
  return out;
}

/** Every SMG policy name is implemented now; kept as the hook for names collie may lack. */
export function implementedPolicy(policy: PolicyName): PolicyName {
  if (!POLICY_NAMES.includes(policy)) {
    throw new ConfigError(`--policy ${String(policy)}: choose one of ${POLICY_NAMES.join(', ')}`);
  }
  return policy;
}

export function modelAliases(
  aliases: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  for (const [alias, model] of Object.entries(aliases)) {
    if (alias === model) throw new ConfigError(`--model-alias: '${alias}' aliases itself`);
  }
  return aliases;
}

/** Lower-cased; each must be an HTTP token. */
export function requestIdHeaders(names: readonly string[]): readonly string[] {
  const out = names.map((h) => h.toLowerCase());
  for (const h of out) {
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h))
      throw new ConfigError(`--request-id-headers: invalid header name '${h}'`);
  }
  return out;
}

export function redisUrl(u: string | undefined): string | undefined {
  if (u === undefined) return undefined;
  if (u.startsWith(CLUSTER_SCHEME)) {
    try {
      clusterNodes(u);
    } catch (err) {
      throw new ConfigError(`--redis-url: ${messageOf(err)}`);
    }
    return u;
  }
  if (!/^rediss?:\/\/[^/]+/.test(u))
    throw new ConfigError(
      `--redis-url: expected redis://host:port[/db] or redis+cluster://host:port[,host:port…], got '${u}'`,
    );
  return u;
}

export function healthEndpoint(p: string): string {
  if (!p.startsWith('/'))
    throw new ConfigError(`--health-check-endpoint: must start with '/', got '${p}'`);
  return p;
}

/** Seconds, positive, strictly increasing. */
export function durationBuckets(entries: readonly string[]): readonly number[] {
  const out: number[] = [];
  for (const e of entries) {
    const v = Number(e);
    if (!Number.isFinite(v) || v <= 0) {
      throw new ConfigError(`--prometheus-duration-buckets: '${e}' is not a positive number`);
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && v <= prev) {
      throw new ConfigError('--prometheus-duration-buckets: buckets must be strictly increasing');
    }
    out.push(v);
  }
  return out;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs an entry parser that throws plain Errors (src/auth) as a config check. */
export function configEntries<T>(parse: (entry: string) => T) {
  return (entries: readonly string[]): readonly T[] =>
    entries.map((e) => {
      try {
        return parse(e);
      } catch (err) {
        throw new ConfigError(messageOf(err));
      }
    });
}
