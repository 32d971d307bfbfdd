import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient } from '../../state/redis-client';
import type { Logger } from '../../util/logger';
import type { WasmModuleRecord } from './types';

/**
 * The WASM modules of every instance sharing one Redis (--redis-url): module bytes keyed by
 * SHA-256, the module list, a SHA-256 → uuid claim (duplicates are refused cluster-wide), and
 * a version bumped on every change that each primary polls. All keys carry the `{wasm}` hash
 * tag, so Redis Cluster keeps them on one slot. Redis down never blocks anything: calls
 * reject, the registry keeps its local modules and resyncs when Redis is back.
 */
export interface WasmStore {
  /** True if `sha256` was free and is now held by `uuid`; false if another module holds it. */
  claim(sha256: string, uuid: string): Promise<boolean>;
  /** Stores the bytes and the record, then bumps the version. */
  put(record: WasmModuleRecord, bytes: Uint8Array): Promise<void>;
  /** Drops a module (and its claim and bytes); true if it was there. */
  remove(record: WasmModuleRecord): Promise<boolean>;
  version(): Promise<number>;
  all(): Promise<WasmModuleRecord[]>;
  bytes(sha256: string): Promise<Buffer | null>;
  close(): Promise<void>;
}

const KEY = (prefix: string) => ({
  version: `${prefix}version`,
  modules: `${prefix}modules`,
  claims: `${prefix}claims`,
  bytes: (sha: string) => `${prefix}bytes:${sha}`,
});

function isRecord(v: unknown): v is WasmModuleRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r['uuid'] === 'string' &&
    typeof r['name'] === 'string' &&
    typeof r['filePath'] === 'string' &&
    typeof r['sha256'] === 'string' &&
    typeof r['sizeBytes'] === 'number' &&
    typeof r['createdNs'] === 'string' &&
    Array.isArray(r['attachPoints'])
  );
}

export function createRedisWasmStore(opts: {
  url: string;
  logger: Logger;
  prefix?: string;
}): WasmStore {
  const k = KEY(opts.prefix ?? 'collie:{wasm}:');
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: 'collie:wasm',
    disconnectTimeout: 200,
    retryStrategy: (times) => Math.min(25 * 2 ** Math.min(times, 10), 5000),
  };
  const redis: RedisClient = createRedisClient(opts.url, options);
  redis.on('error', (err: unknown) => opts.logger.debug({ err }, 'WASM store: redis error'));
  return {
    async claim(sha256, uuid) {
      return (await redis.hsetnx(k.claims, sha256, uuid)) === 1;
    },
    async put(record, bytes) {
      await redis.set(k.bytes(record.sha256), Buffer.from(bytes));
      await redis.hset(k.modules, record.uuid, JSON.stringify(record));
      await redis.incr(k.version);
    },
    async remove(record) {
      const gone = (await redis.hdel(k.modules, record.uuid)) === 1;
      if (gone) {
        if ((await redis.hget(k.claims, record.sha256)) === record.uuid) {
          await redis.hdel(k.claims, record.sha256);
          await redis.del(k.bytes(record.sha256));
        }
        await redis.incr(k.version);
      }
      return gone;
    },
    async version() {
      return Number((await redis.get(k.version)) ?? 0);
    },
    async all() {
      const raw = await redis.hgetall(k.modules);
      const out: WasmModuleRecord[] = [];
      for (const v of Object.values(raw)) {
        try {
          const r: unknown = JSON.parse(v);
          if (isRecord(r)) out.push(r);
        } catch {
          // a foreign value: not ours to read
        }
      }
      // registration order: UUIDv7 sorts by creation time
      return out.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    },
    bytes: (sha256) => redis.getBuffer(k.bytes(sha256)),
    async close() {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
