import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from '../state/redis-client';
import { runScript } from '../state/redis-scripts';
import type { Logger } from '../util/logger';
import { haKeys, type HaKeys } from './keys';
import { createMembership, type Membership, type NodeInfo } from './membership';
import { COUNT } from './scripts';

export interface MeshOptions {
  readonly url: string;
  readonly name: string;
  readonly instanceId: string;
  readonly address: string;
  readonly version: string;
  readonly logger: Logger;
  readonly keyPrefix?: string;
  /** Heartbeat period, ms (default 1000); a killed node leaves after 5 beats. */
  readonly heartbeatMs?: number;
  /** How long startup waits for Redis before running degraded (default 2000 ms). */
  readonly connectTimeoutMs?: number;
  readonly createClient?: (url: string, options: RedisOptions) => RedisClient;
}

export interface MeshHealth {
  readonly connected: boolean;
  readonly lastError?: string;
  /** Another instance holds our node name (seen after a Redis restart). */
  readonly nameConflict?: string;
}

/**
 * The control plane's handle on the cluster (one per instance, in the primary): membership,
 * the shared config KV and the global rate limit's setting. Writes go to Redis; a local
 * mirror of what this instance wrote or read answers while Redis is away and is written
 * back (without overwriting newer values) when an emptied Redis returns.
 */
export interface Mesh {
  readonly name: string;
  readonly keys: HaKeys;
  /** Heartbeat period, ms; a node's key lives 5 periods after its last beat. */
  readonly heartbeatMs: number;
  /** The mesh's connection (commands fail at once while Redis is away). */
  readonly client: RedisClient;
  health(): MeshHealth;
  nodes(): Promise<readonly NodeInfo[]>;
  getConfig(key: string): Promise<string | undefined>;
  setConfig(key: string, hex: string): Promise<void>;
  configCount(): Promise<number>;
  getRateLimit(): Promise<number | undefined>;
  setRateLimit(limit: number): Promise<void>;
  /** Admissions counted in the current second. */
  currentCount(): Promise<number>;
  /** Marks this node Leaving (while it drains). */
  setLeaving(): void;
  /** Leaves the cluster at once (the others stop listing this node); keeps the connection. */
  leave(): Promise<void>;
  /** Leaves (if not yet) and closes the connection. */
  close(): Promise<void>;
}

const NOT_READY = 'redis unreachable';

export async function startMesh(o: MeshOptions): Promise<Mesh> {
  const log = o.logger;
  const keys = haKeys(o.keyPrefix);
  const heartbeatMs = o.heartbeatMs ?? 1000;
  let lastError: string | undefined;
  let wasReady = false;
  const client = (o.createClient ?? createRedisClient)(o.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  // style habit 9: the client never throws into the process; the mesh reports degraded
  client.on('error', (err: Error) => {
    if (lastError !== err.message) log.debug({ err }, 'ha: redis error');
    lastError = err.message;
  });
  const configMirror = new Map<string, string>();
  let limitMirror: number | undefined;
  const membership: Membership = createMembership({
    client,
    keys,
    instanceId: o.instanceId,
    self: { name: o.name, address: o.address, version: o.version },
    heartbeatMs,
    ttlMs: heartbeatMs * 5,
    onError: (err) => {
      lastError = err instanceof Error ? err.message : String(err);
    },
    onConflict: (owner) =>
      log.error({ name: o.name, owner }, 'ha: another live instance took this node name'),
  });

  client.on('ready', () => {
    if (wasReady) {
      log.info('ha: redis reachable again; restoring membership, config and rate limit');
      void restore().catch((err: unknown) => log.warn({ err }, 'ha: restore failed'));
    }
    wasReady = true;
    lastError = undefined;
  });
  client.on('end', () => undefined);

  /** Writes back what an emptied Redis lost: nothing newer is overwritten. */
  async function restore(): Promise<void> {
    const config = [...configMirror];
    const limit = limitMirror;
    await membership.beat();
    for (const [k, v] of config) await client.hsetnx(keys.config, k, v);
    if (limit !== undefined) await client.set(keys.rateLimit, String(limit), 'NX');
    if (config.length > 0 || limit !== undefined) await client.incr(keys.configVersion);
  }

  await waitReady(client, o.connectTimeoutMs ?? 2000);
  if (client.status !== 'ready')
    log.warn({ url: o.url }, 'ha: redis unreachable; running degraded');
  try {
    await membership.join();
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const ready = (): boolean => client.status === 'ready';
  // keeps the mirrors current, so a restore never writes back a value someone replaced
  let seenVersion: string | null | undefined;
  const sync = setInterval(() => {
    if (!ready()) return;
    void (async () => {
      const [version, limit] = await Promise.all([
        client.get(keys.configVersion),
        client.get(keys.rateLimit),
      ]);
      // no version: nothing was ever written, or Redis came back empty (restore's job)
      if (version === null) return;
      limitMirror = limit === null ? undefined : Number(limit);
      if (version === seenVersion) return;
      const all = await client.hgetall(keys.config);
      configMirror.clear();
      for (const [k, v] of Object.entries(all)) configMirror.set(k, v);
      seenVersion = version;
    })().catch(() => undefined);
  }, heartbeatMs * 2);
  sync.unref();

  return {
    name: o.name,
    keys,
    heartbeatMs,
    client,
    health: () => ({
      connected: ready(),
      ...(lastError !== undefined && !ready() ? { lastError } : {}),
      ...(membership.conflict !== undefined ? { nameConflict: membership.conflict } : {}),
    }),
    async nodes() {
      if (!ready()) return membership.cached();
      return membership.list().catch(() => membership.cached());
    },
    async getConfig(key) {
      if (!ready()) return configMirror.get(key);
      const v = await client.hget(keys.config, key);
      if (v === null) configMirror.delete(key);
      else configMirror.set(key, v);
      return v ?? undefined;
    },
    async setConfig(key, hex) {
      if (!ready()) throw new Error(NOT_READY);
      await client.multi().hset(keys.config, key, hex).incr(keys.configVersion).exec();
      configMirror.set(key, hex);
    },
    async configCount() {
      return ready() ? client.hlen(keys.config) : configMirror.size;
    },
    async getRateLimit() {
      if (!ready()) return limitMirror;
      const v = await client.get(keys.rateLimit);
      limitMirror = v === null ? undefined : Number(v);
      return limitMirror;
    },
    async setRateLimit(limit) {
      if (!ready()) throw new Error(NOT_READY);
      const m = client.multi();
      if (limit === 0) m.del(keys.rateLimit);
      else m.set(keys.rateLimit, String(limit));
      await m.incr(keys.configVersion).exec();
      limitMirror = limit === 0 ? undefined : limit;
    },
    async currentCount() {
      if (!ready()) return 0;
      return Number(await runScript(client, COUNT, [keys.bucket], []));
    },
    setLeaving: () => membership.setStatus('Leaving'),
    leave: () => membership.leave().catch(() => undefined),
    async close() {
      clearInterval(sync);
      await membership.leave().catch(() => undefined);
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** Resolves when the client is ready or after `ms` (it keeps connecting either way). */
export function waitReady(client: RedisClient, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    client.once('ready', done);
  });
}
