/**
 * The state-bus contract, one suite over every implementation: in-process memory hub, the
 * primary relay over (simulated) process IPC, and Redis (a real redis-server started for the
 * suite). Each case runs unchanged on each; the last one only where a crash differs from a
 * goodbye (Redis: the heartbeat expires).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { StateBus, StateMessage } from '../../src/state/bus';
import { createMemoryHub } from '../../src/state/memory-bus';
import { createIpcBus, createIpcHub, type IpcChannel } from '../../src/state/ipc-bus';
import { createLoadTracker } from '../../src/core/load-tracker';
import { makeWorker } from '../unit/policies/fixtures';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { redisTopology, type Topology } from '../helpers/redis-topology';

/** A pair of connected IPC endpoints (structured-cloned like real process IPC). */
function channelPair(): [IpcChannel, IpcChannel] {
  const a = new EventEmitter();
  const b = new EventEmitter();
  const mk = (self: EventEmitter, other: EventEmitter): IpcChannel => ({
    send: (m) => setImmediate(() => other.emit('message', structuredClone(m))),
    on: (e, fn) => self.on(e, fn),
    off: (e, fn) => self.off(e, fn),
  });
  return [mk(a, b), mk(b, a)];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Memory and IPC deliver asynchronously within a few event-loop turns. */
function localTopology(
  primary: StateBus,
  join: (id: string) => StateBus,
  leave: (b: StateBus) => void,
): Topology {
  return {
    primary,
    join: (id) => Promise.resolve(join(id)),
    leave,
    settle: () => sleep(30),
    close: () => Promise.resolve(),
  };
}

interface Implementation {
  skip?: string | false;
  /** Its topology can kill a participant without goodbye (Topology.crash). */
  crashes?: boolean;
  before?(): Promise<void>;
  after?(): Promise<void>;
  make(): Promise<Topology>;
}

let redis: RedisServer | undefined;
const redisTopologies: Topology[] = [];

const IMPLEMENTATIONS: Record<string, Implementation> = {
  memory: {
    make() {
      const hub = createMemoryHub();
      return Promise.resolve(
        localTopology(
          hub.join('primary'),
          (id) => hub.join(id),
          (b) => b.close(),
        ),
      );
    },
  },
  ipc: {
    make() {
      const hub = createIpcHub('primary');
      const join = (id: string): StateBus => {
        const [childEnd, primaryEnd] = channelPair();
        hub.addPeer(id, primaryEnd);
        return createIpcBus(id, childEnd);
      };
      const leave = (b: StateBus): void => {
        hub.removePeer(b.id);
        b.close();
      };
      return Promise.resolve(localTopology(hub.local, join, leave));
    },
  },
  redis: {
    skip: redisSkip(),
    crashes: true,
    async before() {
      redis = await startRedisServer();
    },
    async after() {
      await Promise.all(redisTopologies.map((t) => t.close()));
      await redis?.stop();
    },
    async make() {
      assert.ok(redis);
      const t = await redisTopology(redis.url);
      redisTopologies.push(t);
      return t;
    },
  },
};

function collect(bus: StateBus): StateMessage[] {
  const got: StateMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

for (const [name, impl] of Object.entries(IMPLEMENTATIONS)) {
  describe(`state bus contract: ${name}`, { skip: impl.skip ?? false }, () => {
    if (impl.before) before(() => impl.before?.());
    if (impl.after) after(() => impl.after?.());
    const make = (): Promise<Topology> => impl.make();

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

    test('load trackers on two participants see cluster-wide counts and queued work; a dead peer stops counting', async () => {
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
      // queued prefill work travels with the loads
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

    // memory and IPC: a crash is a leave (the relay sees the channel close), covered above
    if (!impl.crashes) return;
    test('a peer that dies without goodbye stops counting once that is noticed', async () => {
      const t = await make();
      const crash = t.crash;
      assert.ok(crash, 'this topology can crash a participant');
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
      crash(a);
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
}
