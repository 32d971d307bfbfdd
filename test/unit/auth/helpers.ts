import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../../src/util/logger';
import type { AuthConfig, Headers } from '../../../src/auth';

/** A logger whose JSON lines are kept in memory. */
export function captureLogger(): { logger: Logger; text(): string; entries(): unknown[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return {
    logger,
    text: () => lines.join(''),
    entries: () =>
      lines
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as unknown),
  };
}

/** Headers as the server layer passes them: lower-case names. */
export function hdrs(entries: Record<string, string> = {}): Headers {
  return new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
}

export function bearer(token: string): Headers {
  return hdrs({ authorization: `Bearer ${token}` });
}

export function config(over: Partial<AuthConfig> = {}): AuthConfig {
  return { tenantApiKeys: [], controlPlaneApiKeys: [], disableAuditLogging: false, ...over };
}

export function header(
  headers: ReadonlyArray<readonly [string, string]>,
  name: string,
): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1];
}
