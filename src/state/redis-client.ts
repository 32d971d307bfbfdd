import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to a single Redis or to a Redis Cluster (every bus key shares one hash tag). */
export type RedisClient = Redis | Cluster;

/** --redis-url scheme for Redis Cluster: redis+cluster://host:port[,host:port…] (seed nodes). */
export const CLUSTER_SCHEME = 'redis+cluster://';

/** Seed nodes of a redis+cluster:// URL; throws on anything else. */
export function clusterNodes(url: string): Array<{ host: string; port: number }> {
  if (!url.startsWith(CLUSTER_SCHEME)) throw new Error(`not a ${CLUSTER_SCHEME} URL: ${url}`);
  const rest = url.slice(CLUSTER_SCHEME.length).replace(/\/+$/, '');
  const nodes = rest.split(',').map((part) => {
    const m = /^(\[[^\]]+\]|[^:/,]+):(\d{1,5})$/.exec(part.trim());
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) {
      throw new Error(`${CLUSTER_SCHEME}: expected host:port seed nodes, got '${part}'`);
    }
    return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
  });
  if (nodes.length === 0) throw new Error(`${CLUSTER_SCHEME}: no seed nodes`);
  return nodes;
}

/**
 * Connects to `url`: redis:// / rediss:// → one Redis; redis+cluster:// → a Redis Cluster
 * client that follows slot moves. `options` apply to every node connection; its
 * retryStrategy also paces cluster reconnects, and nothing queues while disconnected.
 */
export function createRedisClient(url: string, options: RedisOptions): RedisClient {
  if (!url.startsWith(CLUSTER_SCHEME)) return new Redis(url, options);
  const { retryStrategy, ...node } = options;
  return new Cluster(clusterNodes(url), {
    redisOptions: node,
    enableOfflineQueue: options.enableOfflineQueue ?? false,
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    slotsRefreshTimeout: 2000,
    maxRedirections: 16,
  });
}
