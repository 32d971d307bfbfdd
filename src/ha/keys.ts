import { DEFAULT_KEY_PREFIX } from '../state/redis-codec';

/**
 * Redis keys of the cluster (/ha/*, membership, global rate limit). All of them carry the
 * hash tag `{ha}`, so Redis Cluster keeps them in one slot and a Lua script may touch several.
 *
 *   <prefix>:{ha}:nodes            set of node names that joined (reaped when their key expired)
 *   <prefix>:{ha}:node:<name>      hash {instance, info}; PEXPIRE ttl, refreshed by heartbeats
 *   <prefix>:{ha}:config           hash key → hex value (POST /ha/config)
 *   <prefix>:{ha}:config-version   integer, INCR on every config write (cheap change check)
 *   <prefix>:{ha}:rate-limit       integer limit_per_second (absent: unlimited)
 *   <prefix>:{ha}:bucket           hash {tokens, ts, win, cnt}: the global token bucket
 *   <prefix>:{ha}:workers          hash worker URL → JSON entry (registration or tombstone, v)
 *   <prefix>:{ha}:workers-version  integer, INCR on every accepted worker write
 *   <prefix>:{ha}:tokenizers       hash tokenizer name → JSON entry (the same way)
 *   <prefix>:{ha}:tokenizers-version
 */
export interface HaKeys {
  readonly nodes: string;
  node(name: string): string;
  readonly config: string;
  readonly configVersion: string;
  readonly rateLimit: string;
  readonly bucket: string;
  readonly workers: string;
  readonly workersVersion: string;
  readonly tokenizers: string;
  readonly tokenizersVersion: string;
}

export function haKeys(prefix: string = DEFAULT_KEY_PREFIX): HaKeys {
  const base = `${prefix}:{ha}`;
  return {
    nodes: `${base}:nodes`,
    node: (name) => `${base}:node:${name}`,
    config: `${base}:config`,
    configVersion: `${base}:config-version`,
    rateLimit: `${base}:rate-limit`,
    bucket: `${base}:bucket`,
    workers: `${base}:workers`,
    workersVersion: `${base}:workers-version`,
    tokenizers: `${base}:tokenizers`,
    tokenizersVersion: `${base}:tokenizers-version`,
  };
}
