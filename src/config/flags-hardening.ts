import fs from 'node:fs';
import { ConfigError } from './errors';
import { float, int, str } from './flag-kinds';
import { derive, type Derived, type Flag } from './schema';

/**
 * Production-hardening flags: where secrets come from (so they stay out of the process
 * table), request-body deadlines and memory bounds, and the access log.
 */

/**
 * Environment variables that carry secrets. The primary reads them at startup and forks
 * ingress processes without them (the configuration reaches those over the IPC channel).
 */
export const SECRET_ENV = {
  apiKey: 'COLLIE_API_KEY',
  tenantApiKeys: 'COLLIE_TENANT_API_KEYS',
  /** SMG's name (clap `env = "CONTROL_PLANE_API_KEYS"`). */
  controlPlaneApiKeys: 'CONTROL_PLANE_API_KEYS',
} as const;

function readSecretFile(flag: string, path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${flag}: cannot read '${path}': ${(err as Error).message}`);
  }
}

/** One entry per line; blank lines and lines starting with # are skipped. */
export function secretLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * A secret string: the flag, else `fileFlag` (the file's content, trimmed), else the
 * environment variable `envName`. Giving both the flag and the file is an error.
 */
export function secretString(
  flag: Flag<string | undefined>,
  fileFlag: string,
  envName: string,
): Derived<string | undefined> {
  const file = str(fileFlag, {
    help: `Read ${flag.spec.flag} from this file (trimmed; keeps the key out of argv)`,
  });
  return derive({ value: flag, file }, (v, env) => {
    if (v.file === undefined) return v.value ?? (env[envName] || undefined);
    if (v.value !== undefined) {
      throw new ConfigError(`give ${flag.spec.flag} or ${fileFlag}, not both`);
    }
    const text = readSecretFile(fileFlag, v.file).trim();
    if (text === '') throw new ConfigError(`${fileFlag}: '${v.file}' is empty`);
    return text;
  });
}

/**
 * A secret list: the flag's entries (or its env), plus one entry per line of `fileFlag`,
 * passed through `parse` (the flag's own entry checks).
 */
export function secretList<T>(
  flag: Flag<readonly string[]>,
  fileFlag: string,
  parse: (entries: readonly string[]) => T,
): Derived<T> {
  const file = str(fileFlag, {
    help: `Entries of ${flag.spec.flag}, one per line (# comments); added to the flag's`,
  });
  return derive({ value: flag, file }, (v) =>
    parse(
      v.file === undefined
        ? v.value
        : [...v.value, ...secretLines(readSecretFile(fileFlag, v.file))],
    ),
  );
}

/** Request-body deadline, memory bounds for bodies and JSON, and the access log. */
export const HARDENING_FLAGS = {
  requestBodyTimeoutSecs: float('--request-body-timeout-secs', {
    default: 60,
    min: 0,
    help: 'Deadline for receiving a whole request body once its headers arrived (then 408 and close; 0 = none), seconds',
  }),
  maxPendingBodyBytes: int('--max-pending-body-bytes', {
    default: 1073741824,
    min: 0,
    help: 'Bytes of unfinished request bodies one ingress process holds; a body that would pass it gets 503 and the connection is closed (0 = no bound)',
  }),
  jsonParseBudgetBytes: int('--json-parse-budget-bytes', {
    default: 33554432,
    min: 0,
    help: 'Bytes of request bodies (of at least 1 MiB each) one ingress process parses and holds as JSON at once; past it a large body gets 503 + Retry-After (0 = no budget)',
  }),
  accessLogSampleRate: float('--access-log-sample-rate', {
    default: 1,
    min: 0,
    max: 1,
    help: 'Fraction of requests written to the access log (one JSON line each, at info; 0 = off)',
  }),
};
