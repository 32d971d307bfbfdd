import { Pool } from 'undici';

/** One undici Pool per engine origin, created on first use and kept for the process life. */
export interface UpstreamPools {
  get(origin: string): Pool;
  close(): Promise<void>;
}

export function createUpstreamPools(
  opts: { connectTimeoutMs?: number; connections?: number } = {},
): UpstreamPools {
  const pools = new Map<string, Pool>();
  return {
    get(origin) {
      let p = pools.get(origin);
      if (!p) {
        p = new Pool(origin, {
          connections: opts.connections ?? 512,
          pipelining: 1,
          connectTimeout: opts.connectTimeoutMs ?? 10_000,
          keepAliveTimeout: 50_000,
          // The whole-exchange deadline is enforced per request by the proxy.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        pools.set(origin, p);
      }
      return p;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((p) => p.destroy()));
    },
  };
}
