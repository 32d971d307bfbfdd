/**
 * Redis-specific behaviour of the Redis state bus: key layout, garbage in the stream, a
 * participant restarted under the same id, overflow, registry ordering, routing replay.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis, type RedisOptions } from 'ioredis';
import type { StateMessage } from '../../src/state/bus';
import { createRedisBus, type RedisBus, type RedisBusOptions } from '../../src/state/redis-bus';
import { createLoadTracker } from '../../src/core/load-tracker';
import { makeWorker } from '../unit/policies/fixtures';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function collect(bus: RedisBus): StateMessage[] {
  const got: StateMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

describe('redis state bus: edges', { skip: redisSkip() }, () => {
  let server: RedisServer | undefined;
  let raw: Redis | undefined;
  const buses: RedisBus[] = [];
  let n = 0;
  let prefix = '';
  before(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url, { maxRetriesPerRequest: 0 });
    raw.on('error', () => undefined);
  });
  after(async () => {
    await Promise.all(buses.map((b) => b.shutdown()));
    raw?.disconnect();
    await server?.stop();
  });

  /** A fresh key prefix per test. */
  function fresh(): void {
    prefix = `collie:v1:edge-${process.pid}-${++n}`;
  }
  async function join(id: string, extra: Partial<RedisBusOptions> = {}): Promise<RedisBus> {
    assert.ok(server);
    const bus = await createRedisBus({ url: server.url, id, keyPrefix: prefix, ...extra });
    buses.push(bus);
    return bus;
  }
  function redis(): Redis {
    assert.ok(raw);
    return raw;
  }

  test('keys share one hash tag under the versioned prefix; close() removes our traces', async () => {
    fresh();
    const a = await join('a');
    a.publish({ t: 'registry', version: 1, workers: [makeWorker(1)] });
    a.publish({ t: 'loads', from: 'a', entries: [['w1', 2]] });
    await a.drain();
    const keys = (await redis().keys(`${prefix}:*`)).sort();
    assert.deepEqual(keys, [
      `${prefix}:{state}:alive:a`,
      `${prefix}:{state}:events`,
      `${prefix}:{state}:snapshot`,
    ]);
    const ttl = await redis().pttl(`${prefix}:{state}:alive:a`);
    assert.ok(ttl > 0 && ttl <= 3000, `heartbeat TTL ${ttl}`);
    const snap = await redis().hgetall(`${prefix}:{state}:snapshot`);
    assert.deepEqual(Object.keys(snap).sort(), ['loads:a', 'registry', 'registry-version']);
    assert.deepEqual(JSON.parse(snap['loads:a'] ?? ''), [['w1', 2]]);
    await a.shutdown();
    assert.equal(await redis().exists(`${prefix}:{state}:alive:a`), 0);
    assert.equal(await redis().hexists(`${prefix}:{state}:snapshot`, 'loads:a'), 0);
    assert.equal(a.health().connected, false);
  });

  test('garbage and other-version entries are skipped and counted, never thrown', async () => {
    fresh();
    const b = await join('b');
    const got = collect(b);
    const stream = `${prefix}:{state}:events`;
    await redis().xadd(stream, '*', 'd', 'not json');
    await redis().xadd(stream, '*', 'd', JSON.stringify({ v: 2, from: 'x', msgs: [] }));
    await redis().xadd(stream, '*', 'other', 'field');
    const good = { t: 'loads', from: 'x', entries: [['w1', 1]], pending: [['w1', 9]] };
    const bad = { t: 'loads', from: 'x', entries: [['w1', 'many']] };
    const badPending = { t: 'loads', from: 'x', entries: [['w1', 1]], pending: [['w1']] };
    const unknown = { t: 'future-kind', from: 'x' };
    await redis().xadd(
      stream,
      '*',
      'd',
      JSON.stringify({ v: 1, from: 'x', msgs: [bad, badPending, unknown, good] }),
    );
    await until('the valid message arrives', () => got.length === 1);
    assert.deepEqual(got, [good]);
    assert.equal(b.health().skipped, 6);
    assert.equal(b.health().connected, true);
    assert.equal(typeof b.health().lagMs, 'number');
  });

  test('a process restarted under the same id clears its predecessor’s load reports', async () => {
    fresh();
    const b = await join('b');
    const lb = createLoadTracker({ bus: b, publishIntervalMs: 1 });
    const clients: Redis[] = [];
    const a1 = await join('a', {
      createClient(url: string, o: RedisOptions) {
        const c = new Redis(url, o);
        clients.push(c);
        return c;
      },
    });
    a1.publish({ t: 'loads', from: 'a', entries: [['w1', 4]] });
    await until('b counts a1', () => lb.get('w1') === 4);
    for (const c of clients) c.disconnect(); // crash: no goodbye, heartbeat still alive
    const a2 = await join('a');
    await until('b drops the predecessor’s reports', () => lb.get('w1') === 0);
    a2.publish({ t: 'loads', from: 'a', entries: [['w2', 1]] });
    await until('b counts a2', () => lb.get('w2') === 1);
    lb.close();
  });

  test('overflow drops the oldest messages and resyncs the state they carried', async () => {
    fresh();
    const a = await join('a', { maxPending: 3 });
    const b = await join('b');
    const lb = createLoadTracker({ bus: b, publishIntervalMs: 1 });
    for (let i = 0; i < 10; i++) a.publish({ t: 'loads', from: 'a', entries: [[`w${i}`, 1]] });
    assert.equal(a.health().dropped, 7);
    await until('every entry arrives', () => lb.get('w0') === 1 && lb.get('w9') === 1);
    lb.close();
  });

  test('an older registry version never replaces a newer one in the snapshot', async () => {
    fresh();
    const a = await join('a');
    a.publish({ t: 'registry', version: 5, workers: [makeWorker(5)] });
    await a.drain();
    a.publish({ t: 'registry', version: 3, workers: [makeWorker(3)] });
    await a.drain();
    const late = await join('late');
    const got = collect(late);
    assert.deepEqual(
      got.flatMap((m) => (m.t === 'registry' ? [m.version] : [])),
      [5],
    );
  });

  test('a late joiner replays the routing events since the last prefix clear', async () => {
    fresh();
    const a = await join('a');
    const ev = (w: string) => ({ model: 'm', worker: w, hashes: 'AAAAAAAAAAA=' });
    a.publish({ t: 'routed', from: 'a', events: [ev('w1')] });
    await a.drain();
    a.publish({ t: 'prefix-clear', from: 'a' });
    a.publish({ t: 'routed', from: 'a', events: [ev('w2')] });
    await a.drain();
    a.publish({ t: 'routed', from: 'a', events: [ev('w3')] });
    await a.drain();
    const late = await join('late');
    const got = collect(late);
    assert.deepEqual(
      got.filter((m) => m.t === 'routed'),
      [{ t: 'routed', from: '', events: [ev('w2'), ev('w3')] }],
    );
  });

  test('a throwing subscriber does not stop delivery to the others', async () => {
    fresh();
    const a = await join('a');
    const b = await join('b');
    b.subscribe(() => {
      throw new Error('boom');
    });
    const got = collect(b);
    a.publish({ t: 'peer-down', from: 'z' });
    a.publish({ t: 'engine-loads', entries: [['w1', 0.5]] });
    await until('both arrive', () => got.length === 2);
    assert.equal(b.health().connected, true);
  });
});
