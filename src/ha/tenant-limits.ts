import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import { DEFAULT_KEY_PREFIX } from '../state/redis-codec';
import type { Logger } from '../util/logger';
import { limitsFor, type Limits, type TenantLimitConfig } from './tenant-config';
import { TENANT_ADMIT, TENANT_SETTLE } from './scripts';

export type TenantDecision =
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'admitted'; settle(tokens: number): void }
  | { readonly kind: 'rejected'; readonly retryAfterSec: number };

/**
 * Tenant budgets (SMG §9.3): requests and tokens per minute per (tenant, model rule), in
 * fixed one-minute windows. With --redis-url the counters live in Redis (one Lua call per
 * admission, one per settlement), so the budget holds across every process and instance;
 * without it (or while Redis is away) each process counts locally with limit / processes.
 *
 * Tokens are counted when a response ends (the engine's usage, or an estimate when the
 * client left first); a request is admitted while the window's tokens are below the limit,
 * so the token budget can be overshot by what the requests in flight at that moment use.
 */
export interface TenantLimiter {
  admit(tenant: string, model: string): Promise<TenantDecision>;
  close(): Promise<void>;
}

export function createTenantLimiter(o: {
  readonly config: TenantLimitConfig;
  readonly processes: number;
  readonly logger: Pick<Logger, 'debug' | 'warn'>;
  readonly redisUrl?: string;
  readonly keyPrefix?: string;
  readonly now?: () => number;
  readonly createClient?: (url: string, options: RedisOptions) => RedisClient;
}): TenantLimiter {
  const now = o.now ?? Date.now;
  const local = createLocalWindows(now);
  const client =
    o.redisUrl === undefined
      ? undefined
      : (o.createClient ?? createRedisClient)(o.redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: 250,
          retryStrategy: (times) => Math.min(100 * times, 1000),
        });
  client?.on('error', (err: Error) => o.logger.debug({ err }, 'tenant limits: redis error'));
  const base = `${o.keyPrefix ?? DEFAULT_KEY_PREFIX}:{ha}:tenant:`;

  function localDecision(bucket: string, l: Limits): TenantDecision {
    const share = (n: number): number => (n === 0 ? 0 : Math.max(1, Math.floor(n / o.processes)));
    const r = local.admit(bucket, share(l.requestsPerMinute), share(l.tokensPerMinute));
    return r === 0
      ? { kind: 'admitted', settle: (n) => local.settle(bucket, n) }
      : { kind: 'rejected', retryAfterSec: r };
  }

  return {
    async admit(tenant, model) {
      const m = limitsFor(o.config, tenant, model);
      if (!m) return { kind: 'unlimited' };
      if (!client || client.status !== 'ready') return localDecision(m.bucket, m.limits);
      const key = base + m.bucket;
      try {
        const r = (await runScript(
          client,
          TENANT_ADMIT,
          [key],
          [m.limits.requestsPerMinute, m.limits.tokensPerMinute],
        )) as number[];
        if (r[0] !== 1) return { kind: 'rejected', retryAfterSec: Math.max(1, Number(r[1])) };
        return {
          kind: 'admitted',
          settle(tokens) {
            if (tokens <= 0) return;
            runScript(client, TENANT_SETTLE, [key], [Math.round(tokens)]).catch(() =>
              local.settle(m.bucket, tokens),
            );
          },
        };
      } catch {
        return localDecision(m.bucket, m.limits);
      }
    },
    async close() {
      await client?.quit().catch(() => client.disconnect());
    },
  };
}

/** The same fixed windows in process memory. admit → 0 when admitted, else seconds to wait. */
function createLocalWindows(now: () => number) {
  const windows = new Map<string, { w: number; req: number; tok: number }>();
  const get = (bucket: string) => {
    const w = Math.floor(now() / 60_000);
    let e = windows.get(bucket);
    if (!e || e.w !== w) windows.set(bucket, (e = { w, req: 0, tok: 0 }));
    if (windows.size > 100_000) windows.clear(); // bounded: old windows are worthless
    return e;
  };
  return {
    admit(bucket: string, rpm: number, tpm: number): number {
      const e = get(bucket);
      if ((rpm > 0 && e.req >= rpm) || (tpm > 0 && e.tok >= tpm)) {
        return Math.max(1, 60 - Math.floor((now() / 1000) % 60));
      }
      e.req++;
      return 0;
    },
    settle(bucket: string, tokens: number): void {
      get(bucket).tok += tokens;
    },
  };
}
