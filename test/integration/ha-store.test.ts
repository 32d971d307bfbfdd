import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { startLwwSync, type LwwEntry } from '../../src/ha/lww-sync';
import { createGlobalLimiter } from '../../src/ha/global-limit';
import { startMesh } from '../../src/ha/mesh';
import { haKeys } from '../../src/ha/keys';
import { silentLogger } from '../../src/util/logger';
import { freePort } from '../helpers/processes';

let prefixes = 0;
const freshPrefix = (): string => `collie:v1:store-${process.pid}-${++prefixes}`;

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The cluster stores against a real redis-server, one piece at a time. */
describe('cluster stores on Redis', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const client = (): Redis => {
    const c = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  /** An LWW registry of `{n}` entries on a fresh client, polling every 50 ms. */
  const lwwSync = (
    keys: ReturnType<typeof haKeys>,
    node: string,
    now: () => number,
    apply: (e: LwwEntry<{ n: number }>) => void,
  ) =>
    startLwwSync<{ n: number }>({
      client: client(),
      hash: keys.workers,
      version: keys.workersVersion,
      node,
      logger: silentLogger(),
      pollMs: 50,
      now,
      adapter: {
        apply,
        local: () => [],
        parseInput: (v) => (typeof v === 'object' && v !== null ? (v as { n: number }) : undefined),
      },
    });

  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  test('last writer wins: an older entry written late never replaces a newer one', async () => {
    const keys = haKeys(freshPrefix());
    const seen = new Map<string, Array<LwwEntry<{ n: number }>>>();
    const make = (node: string, now: () => number) =>
      lwwSync(keys, node, now, (e) => seen.set(node, [...(seen.get(node) ?? []), e]));
    await until('clients ready', () => clients.every((c) => c.status === 'ready'));
    const newer = make('b', () => 2000);
    const older = make('a', () => 1000);
    await until('ready', () => clients.every((c) => c.status === 'ready'));
    newer.put('k', { n: 2 });
    await until('stored', async () => (await clients[0]?.hget(keys.workers, 'k')) !== null);
    older.put('k', { n: 1 });
    await newer.sync();
    await older.sync();
    await until('a applied the newer entry', () =>
      (seen.get('a') ?? []).some((e) => e.input?.n === 2),
    );
    const stored = JSON.parse((await clients[0]?.hget(keys.workers, 'k')) ?? '{}') as LwwEntry<{
      n: number;
    }>;
    assert.equal(stored.input?.n, 2);
    assert.equal(stored.node, 'b');
    // a tombstone from the newer side wins too
    newer.put('k', undefined);
    await until('a applied the removal', () => (seen.get('a') ?? []).some((e) => e.deleted));
    newer.close();
    older.close();
  });

  test('two changes in the same millisecond: both instances settle on the one Redis kept', async () => {
    const keys = haKeys(freshPrefix());
    const value = new Map<string, number>();
    const make = (node: string) =>
      lwwSync(
        keys,
        node,
        () => 5000,
        (e) => value.set(node, e.input?.n ?? -1),
      );
    const [wa, wb] = [make('wa'), make('wb')];
    await until('ready', () => clients.every((c) => c.status === 'ready'));
    // each applies its own change locally, as a /workers call does
    value.set('wa', 10);
    value.set('wb', 20);
    wa.put('k', { n: 10 });
    wb.put('k', { n: 20 });
    await until('both agree', async () => {
      await wa.sync();
      await wb.sync();
      return value.get('wa') === value.get('wb');
    });
    const stored = JSON.parse((await clients[0]?.hget(keys.workers, 'k')) ?? '{}') as LwwEntry<{
      n: number;
    }>;
    assert.equal(stored.node, 'wb', 'the greater node name wins the tie');
    assert.equal(value.get('wa'), 20);
    wa.close();
    wb.close();
  });

  test('a node name is claimed atomically: the second live claimant is refused', async () => {
    const keyPrefix = freshPrefix();
    const opts = {
      url: redis.url,
      name: 'same',
      address: '127.0.0.1:1',
      version: '0',
      logger: silentLogger(),
      keyPrefix,
      heartbeatMs: 100,
    };
    const first = await startMesh({ ...opts, instanceId: 'one' });
    await assert.rejects(
      startMesh({ ...opts, instanceId: 'two' }),
      /already used by a live instance/,
    );
    await first.close();
    // left at once: the name is free again
    const again = await startMesh({ ...opts, instanceId: 'two' });
    assert.deepEqual(
      (await again.nodes()).map((n) => n.name),
      ['same'],
    );
    await again.close();
  });

  test('global limiter: Redis unreachable → limit / nodes / processes locally', async () => {
    const keyPrefix = freshPrefix();
    const keys = haKeys(keyPrefix);
    const admin = client();
    await until('admin ready', () => admin.status === 'ready');
    await admin.set(keys.rateLimit, '40');
    await admin.sadd(keys.nodes, 'n1', 'n2');
    let t = 0;
    const limiter = createGlobalLimiter({
      url: redis.url,
      processes: 2,
      logger: silentLogger(),
      keyPrefix,
      pollMs: 20,
      now: () => t,
    });
    await until('global mode', () => limiter.mode() === 'global');
    await redis.stop();
    await until('local mode', async () => {
      await limiter.admit();
      return limiter.mode() === 'local';
    });
    // 40 / 2 nodes / 2 processes = 10 per second, burst 1: over 10 s at most ~101
    let ok = 0;
    for (let i = 0; i < 1000; i++) {
      t += 10;
      if ((await limiter.admit()).ok) ok++;
    }
    assert.ok(ok >= 95 && ok <= 102, `admitted ${ok} of 1000 over 10 s at 10/s`);
    await limiter.close();
    await redis.restart();
  });

  test('an instance started while Redis is down runs degraded, then joins when it appears', async () => {
    const port = await freePort();
    const mesh = await startMesh({
      url: `redis://127.0.0.1:${port}`,
      name: 'late',
      instanceId: 'late-1',
      address: '127.0.0.1:2',
      version: '0',
      logger: silentLogger(),
      keyPrefix: freshPrefix(),
      heartbeatMs: 100,
      connectTimeoutMs: 200,
    });
    try {
      assert.equal(mesh.health().connected, false);
      assert.deepEqual(
        (await mesh.nodes()).map((n) => n.name),
        ['late'],
      );
      await assert.rejects(mesh.setConfig('k', '00'), /redis unreachable/);
      const late = await startRedisServer({ port });
      try {
        await until('joined', async () => {
          const nodes = await mesh.nodes();
          return mesh.health().connected && nodes.some((n) => n.name === 'late');
        });
        await mesh.setConfig('k', '00');
        assert.equal(await mesh.getConfig('k'), '00');
      } finally {
        await mesh.close();
        await late.stop();
      }
    } catch (err) {
      await mesh.close();
      throw err;
    }
  });
});
