import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import {
  redisSkip,
  startRedisCluster,
  startRedisServer,
  type RedisCluster,
  type RedisServer,
} from '../helpers/redis-server';
import { createRedisBackend } from '../../src/priority/redis-backend';
import { prioritySettings, type ClassConfig } from '../../src/priority/settings';
import type { SchedulerBackend } from '../../src/priority/gate';
import type { PreemptEvent } from '../../src/priority/service';
import type { PriorityClass } from '../../src/priority/classes';
import type { SchedOutcome } from '../../src/priority/core';
import { silentLogger } from '../../src/util/logger';

const block = (o: Partial<ClassConfig> = {}): ClassConfig => ({
  reservedFloor: 0,
  reservedPerSlot: 0,
  queueSize: 4,
  queueTimeoutSecs: 30,
  starvationThresholdSecs: 300,
  canPreempt: false,
  ...o,
});
const SETTINGS = prioritySettings(
  {
    classes: {
      bulk: block({ queueSize: 1, queueTimeoutSecs: 1 }),
      default: block(),
      interactive: block({ canPreempt: true }),
      system: block({ canPreempt: true, reservedFloor: 1 }),
    },
    tenantPolicies: {},
  },
  'system',
  32,
);

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The Lua scheduler with in-process owners on one redis-server (capacity 3, system reserves
 * 1): what the CLI cluster test shows end to end, here step by step.
 */
describe('priority scheduler in Redis (Lua)', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let n = 0;
  const open: SchedulerBackend[] = [];

  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await Promise.all(open.map((b) => b.close()));
    await redis?.stop();
  });

  /** A fresh owner under its own key prefix group (each test its own prefix). */
  function owner(prefix: string, o: { heartbeatMs?: number; ttlMs?: number } = {}) {
    const events: PreemptEvent[] = [];
    const b = createRedisBackend({
      url: redis.url,
      owner: `o${++n}`,
      settings: SETTINGS,
      capacity: () => 3,
      logger: silentLogger(),
      keyPrefix: prefix,
      ...o,
    });
    b.listen((e) => events.push(e));
    open.push(b);
    let t = 0;
    const admit = (cls: PriorityClass, signal = new AbortController().signal) => {
      const ticket = String(++t);
      return { ticket, outcome: b.admit(ticket, cls, signal) };
    };
    return { b, events, admit };
  }
  const ready = (...owners: Array<{ b: { connected(): boolean } }>) =>
    until('connected', () => owners.every((x) => x.b.connected()));

  test('slots and queues are shared: the highest class first, across owners', async () => {
    const a = owner('t1');
    const b = owner('t1');
    await ready(a, b);
    const held = [a.admit('default'), a.admit('default')];
    assert.deepEqual(await Promise.all(held.map((h) => h.outcome)), ['admitted', 'admitted']);
    // 3 slots, 1 reserved for system: default is full, system is not
    const d = b.admit('default');
    const s = b.admit('system');
    assert.equal(await s.outcome, 'admitted');
    const i = b.admit('interactive'); // same owner: its grants arrive in order
    const order: string[] = [];
    void d.outcome.then((r) => order.push(`default ${r}`));
    void i.outcome.then((r) => order.push(`interactive ${r}`));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(order, []);
    for (const h of held) a.b.release(h.ticket);
    await until('both admitted', () => order.length === 2);
    assert.deepEqual(order, ['interactive waited', 'default waited']);
  });

  test('queue full, queue timeout, and a waiter that leaves', async () => {
    const a = owner('t2');
    await ready(a);
    const holders = [a.admit('default'), a.admit('default'), a.admit('system')];
    assert.deepEqual(await Promise.all(holders.map((h) => h.outcome)), [
      'admitted',
      'admitted',
      'admitted',
    ]);
    const q = a.admit('bulk');
    assert.equal(await a.admit('bulk').outcome, 'queue_full');
    const t0 = Date.now();
    assert.equal(await q.outcome, 'timeout');
    assert.ok(Date.now() - t0 >= 900);
    const ac = new AbortController();
    const gone = a.admit('default', ac.signal);
    ac.abort();
    assert.equal(await gone.outcome, 'aborted');
    const c = new Redis(redis.url);
    await until('the waiter left', async () => (await c.hlen('t2:{ha}:sched:waiters')) === 0);
    c.disconnect();
  });

  test('a waiting interactive request has another owner preempt its newest bulk request', async () => {
    const a = owner('t3');
    const b = owner('t3');
    await ready(a, b);
    assert.equal(await a.admit('bulk').outcome, 'admitted');
    await new Promise((r) => setTimeout(r, 5)); // a later admission time
    assert.equal(await a.admit('bulk').outcome, 'admitted');
    assert.equal(await b.admit('system').outcome, 'admitted'); // 3 in use
    const i = b.admit('interactive');
    await until('a is asked', () => a.events.length === 1);
    assert.deepEqual(a.events[0], { ticket: '2', victim: 'bulk', by: 'interactive' });
    // the newest one already streams: declined, so the older one is asked next
    a.b.decline('2');
    await until('a is asked again', () => a.events.length === 2);
    assert.equal(a.events[1]?.ticket, '1');
    assert.equal(b.events.length, 0);
    a.b.release('1'); // preempted: its slot goes to the interactive waiter
    assert.equal(await i.outcome, 'waited');
  });

  test('an owner that stops heartbeating loses its slots; Redis restarted, they are restored', async () => {
    const dead = owner('t4', { heartbeatMs: 60_000, ttlMs: 300 });
    const live = owner('t4');
    await ready(dead, live);
    const taken = [dead.admit('default'), dead.admit('default'), dead.admit('system')];
    await Promise.all(taken.map((x) => x.outcome));
    const t0 = Date.now();
    // ttl 300 ms with no heartbeat: reaped by the waiter's next call (live's heartbeat, 1 s)
    assert.equal(await live.admit('default').outcome, 'waited');
    assert.ok(Date.now() - t0 < 3000);

    const held: Array<{ ticket: string; outcome: Promise<SchedOutcome> }> = [];
    held.push(live.admit('default'));
    await held[0]?.outcome;
    await redis.restart(); // empty: nothing persisted
    const c = new Redis(redis.url);
    await until(
      'heartbeat restores the held slots',
      async () => Number(await c.hget('t4:{ha}:sched:counts', '2')) === 2,
      8000,
    );
    c.disconnect();
  });
});

/** The same scripts on a three-master Redis Cluster: one hash tag, pub/sub across nodes. */
describe('priority scheduler in a Redis Cluster', { skip: redisSkip() }, () => {
  let cluster: RedisCluster;
  const open: SchedulerBackend[] = [];

  before(async () => {
    cluster = await startRedisCluster(3);
  });
  after(async () => {
    await Promise.all(open.map((b) => b.close()));
    await cluster?.stop();
  });

  test('shared slots and a preemption across owners', async () => {
    const mk = (name: string) => {
      const events: PreemptEvent[] = [];
      const b = createRedisBackend({
        url: cluster.url,
        owner: name,
        settings: SETTINGS,
        capacity: () => 3,
        logger: silentLogger(),
      });
      b.listen((e) => events.push(e));
      open.push(b);
      return { b, events };
    };
    const a = mk('ca');
    const b = mk('cb');
    await until('connected', () => a.b.connected() && b.b.connected());
    const sig = () => new AbortController().signal;
    assert.equal(await a.b.admit('1', 'bulk', sig()), 'admitted');
    assert.equal(await a.b.admit('2', 'bulk', sig()), 'admitted');
    assert.equal(await b.b.admit('1', 'system', sig()), 'admitted');
    const waiting = b.b.admit('2', 'interactive', sig());
    await until('a is asked', () => a.events.length === 1, 10_000);
    a.b.release(a.events[0]?.ticket ?? '');
    assert.equal(await waiting, 'waited');
  });
});
