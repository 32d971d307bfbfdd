/**
 * The state-bus contract (test/contract/state-bus.test.ts) over the Redis implementation, with
 * the same case names and assertions. Differences, to fold into one suite later: join() is
 * async (await also works on the sync memory/ipc topologies); settle() belongs to the
 * topology (here a barrier over RedisBus.drain(), for memory/ipc the 30 ms sleep); the
 * topology closes its buses after the suite.
 * The last case is Redis-only: a participant that dies without close().
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis, type RedisOptions } from 'ioredis';
import type { StateBus, StateMessage } from '../../src/state/bus';
import { createRedisBus, type RedisBus } from '../../src/state/redis-bus';
import { createLoadTracker } from '../../src/core/load-tracker';
import { makeWorker } from '../unit/policies/fixtures';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';

interface Topology {
  primary: StateBus;
  join(id: string): Promise<StateBus>;
  leave(bus: StateBus): void;
  /** Kills a participant without goodbye: its connections drop, nothing more reaches Redis. */
  crash(bus: StateBus): void;
  /** Waits until every live participant has seen everything published so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let topologies = 0;

async function redisTopology(url: string): Promise<Topology> {
  const keyPrefix = `collie:v1:contract-${process.pid}-${++topologies}`;
  const all: RedisBus[] = [];
  const live = new Map<string, RedisBus>();
  const leaving: Array<Promise<void>> = [];
  const clients = new Map<string, Redis[]>();
  async function join(id: string): Promise<RedisBus> {
    const own: Redis[] = [];
    clients.set(id, own);
    const bus = await createRedisBus({
      url,
      id,
      keyPrefix,
      heartbeatMs: 100,
      maxBackoffMs: 100,
      createClient(u: string, o: RedisOptions) {
        const c = new Redis(u, o);
        own.push(c);
        return c;
      },
    });
    all.push(bus);
    live.set(id, bus);
    return bus;
  }
  const primary = await join('primary');
  return {
    primary,
    join,
    leave(b) {
      const bus = live.get(b.id);
      live.delete(b.id);
      if (bus) leaving.push(bus.shutdown());
      else b.close();
    },
    crash(b) {
      live.delete(b.id);
      for (const c of clients.get(b.id) ?? []) c.disconnect();
    },
    async settle() {
      // Let load trackers' publish timers (1 ms) fire, then a two-round barrier.
      await new Promise((r) => setTimeout(r, 10));
      await Promise.all(leaving);
      for (let round = 0; round < 2; round++) {
        await Promise.all([...live.values()].map((b) => b.drain()));
      }
    },
    async close() {
      await Promise.all(all.map((b) => b.shutdown()));
    },
  };
}

function collect(bus: StateBus): StateMessage[] {
  const got: StateMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('state bus contract: redis', { skip: redisSkip() }, () => {
  let server: RedisServer | undefined;
  const open: Topology[] = [];
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    await server?.stop();
  });
  async function make(): Promise<Topology> {
    assert.ok(server);
    const t = await redisTopology(server.url);
    open.push(t);
    return t;
  }

  test('a message reaches every other participant, not its sender', async () => {
    const t = await make();
    const a = await t.join('a');
    const b = await t.join('b');
    const gotA = collect(a);
    const gotB = collect(b);
    const gotP = collect(t.primary);
    a.publish({ t: 'loads', from: 'a', entries: [['w1', 3]] });
    await t.settle();
    assert.equal(gotA.length, 0);
    assert.deepEqual(gotB, [{ t: 'loads', from: 'a', entries: [['w1', 3]] }]);
    assert.deepEqual(gotP, [{ t: 'loads', from: 'a', entries: [['w1', 3]] }]);
  });

  test('a late joiner receives the newest registry snapshot and live load vectors', async () => {
    const t = await make();
    const a = await t.join('a');
    t.primary.publish({ t: 'registry', version: 1, workers: [makeWorker(1)] });
    t.primary.publish({ t: 'registry', version: 2, workers: [makeWorker(1), makeWorker(2)] });
    a.publish({ t: 'loads', from: 'a', entries: [['w2', 5]] });
    await t.settle();
    const late = await t.join('late');
    const got = collect(late);
    await t.settle();
    const reg = got.filter((m) => m.t === 'registry');
    assert.equal(reg.length, 1);
    assert.equal(reg[0]?.t === 'registry' && reg[0].version, 2);
    assert.deepEqual(
      got.filter((m) => m.t === 'loads'),
      [{ t: 'loads', from: 'a', entries: [['w2', 5]] }],
    );
  });

  test('a participant that leaves is announced with peer-down', async () => {
    const t = await make();
    const a = await t.join('a');
    const b = await t.join('b');
    const gotB = collect(b);
    t.leave(a);
    await t.settle();
    assert.deepEqual(gotB, [{ t: 'peer-down', from: 'a' }]);
  });

  test('load trackers on two participants see cluster-wide counts; a dead peer stops counting', async () => {
    const t = await make();
    const a = await t.join('a');
    const b = await t.join('b');
    const la = createLoadTracker({ bus: a, publishIntervalMs: 1 });
    const lb = createLoadTracker({ bus: b, publishIntervalMs: 1 });
    const r1 = la.acquire('w1', 20);
    la.acquire('w1');
    const r3 = lb.acquire('w1', 6);
    await t.settle();
    assert.equal(la.get('w1'), 3);
    assert.equal(lb.get('w1'), 3);
    assert.equal(la.local('w1'), 2);
    // queued prefill work travels with the loads, through Redis
    assert.deepEqual([la.pendingBlocks('w1'), lb.pendingBlocks('w1')], [26, 26]);
    r1();
    r1(); // release is idempotent
    r3();
    await t.settle();
    assert.equal(la.get('w1'), 1);
    assert.equal(lb.get('w1'), 1);
    assert.deepEqual([la.pendingBlocks('w1'), lb.pendingBlocks('w1')], [0, 0]);
    t.leave(a);
    await t.settle();
    assert.equal(lb.get('w1'), 0, 'reports of a departed process expire with it');
    la.close();
    lb.close();
  });

  test('a peer that dies without close stops counting once its heartbeat expires', async () => {
    const t = await make();
    const a = await t.join('a');
    const b = await t.join('b');
    const la = createLoadTracker({ bus: a, publishIntervalMs: 1 });
    const lb = createLoadTracker({ bus: b, publishIntervalMs: 1 });
    la.acquire('w1');
    la.acquire('w1');
    lb.acquire('w1');
    await t.settle();
    assert.equal(lb.get('w1'), 3);
    const gotB = collect(b);
    t.crash(a);
    await until(() => lb.get('w1') === 1);
    assert.deepEqual(
      gotB.filter((m) => m.t === 'peer-down'),
      [{ t: 'peer-down', from: 'a' }],
      'one synthetic peer-down',
    );
    const late = await t.join('late');
    const got = collect(late);
    await t.settle();
    assert.deepEqual(
      got.filter((m) => m.t === 'loads'),
      [{ t: 'loads', from: 'b', entries: [['w1', 1]] }],
      'a late joiner ignores the dead peer',
    );
    la.close();
    lb.close();
  });
});
