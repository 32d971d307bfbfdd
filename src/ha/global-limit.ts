import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import type { Logger } from '../util/logger';
import { haKeys } from './keys';
import { ADMIT } from './scripts';

export type LimitDecision =
  { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * The cluster-wide rate limit of POST /ha/rate-limit, checked by every ingress process.
 *
 * With a limit set, each protected request costs one EVALSHA (the ADMIT token bucket, on
 * Redis's clock) — exact across instances up to the bucket's burst (limit/10). Without a
 * limit nothing is asked per request: the setting is polled every `pollMs` (so a new limit
 * applies within that time). When Redis is unreachable or slow (> `timeoutMs`), the process
 * falls back to a local bucket of limit / live nodes / ingress processes, from the last
 * values it saw.
 */
export interface GlobalLimiter {
  admit(): Promise<LimitDecision>;
  /** 'global' (Redis), 'local' (fallback) or 'off' (no limit set). */
  mode(): 'global' | 'local' | 'off';
  close(): Promise<void>;
}

export interface GlobalLimiterOptions {
  readonly url: string;
  /** Ingress processes of this instance (the local fallback splits its share). */
  readonly processes: number;
  readonly logger: Pick<Logger, 'debug' | 'warn' | 'info'>;
  readonly keyPrefix?: string;
  /** Setting poll period, ms (default 500). */
  readonly pollMs?: number;
  /** Longest wait for Redis per admission before the local fallback decides (default 250). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  readonly createClient?: (url: string, options: RedisOptions) => RedisClient;
}

export function createGlobalLimiter(o: GlobalLimiterOptions): GlobalLimiter {
  const keys = haKeys(o.keyPrefix);
  const now = o.now ?? (() => performance.now());
  const client = (o.createClient ?? createRedisClient)(o.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: o.timeoutMs ?? 250,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  let lastError = '';
  client.on('error', (err: Error) => {
    if (err.message !== lastError) o.logger.debug({ err }, 'global limit: redis error');
    lastError = err.message;
  });
  let limit = 0;
  let nodes = 1;
  let degraded = false;
  const local = { tokens: 0, at: now(), rate: 0 };

  const poll = async (): Promise<void> => {
    if (client.status !== 'ready') return;
    const [l, n] = await Promise.all([client.get(keys.rateLimit), client.scard(keys.nodes)]);
    limit = l === null ? 0 : Number(l) || 0;
    nodes = Math.max(1, n);
  };
  void poll().catch(() => undefined);
  const timer = setInterval(() => void poll().catch(() => undefined), o.pollMs ?? 500);
  timer.unref();

  function fallback(): LimitDecision {
    if (!degraded) {
      degraded = true;
      o.logger.warn(
        { limit, nodes, processes: o.processes },
        'global rate limit: redis unreachable, limiting locally to limit / nodes / processes',
      );
    }
    const rate = limit / nodes / o.processes;
    const t = now();
    if (rate !== local.rate) Object.assign(local, { rate, tokens: Math.max(1, rate / 10), at: t });
    local.tokens = Math.min(Math.max(1, rate / 10), local.tokens + ((t - local.at) * rate) / 1000);
    local.at = t;
    if (local.tokens >= 1 - 1e-9) {
      local.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - local.tokens) * 1000) / rate) };
  }

  return {
    async admit() {
      if (limit <= 0) return { ok: true };
      if (client.status !== 'ready') return fallback();
      try {
        const r = (await runScript(
          client,
          ADMIT,
          [keys.rateLimit, keys.bucket, keys.nodes],
          [],
        )) as number[];
        if (degraded) {
          degraded = false;
          o.logger.info('global rate limit: redis reachable again, limiting cluster-wide');
        }
        limit = Number(r[1]);
        nodes = Math.max(1, Number(r[2]));
        return r[0] === 1 ? { ok: true } : { ok: false, retryAfterMs: Number(r[3]) };
      } catch {
        return fallback();
      }
    },
    mode: () => (limit <= 0 ? 'off' : client.status === 'ready' && !degraded ? 'global' : 'local'),
    async close() {
      clearInterval(timer);
      await client.quit().catch(() => client.disconnect());
    },
  };
}
