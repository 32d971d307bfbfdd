import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { StateBus, StateMessage } from '../../src/state/bus';
import { createMemoryHub } from '../../src/state/memory-bus';
import { createIpcBus, createIpcHub, type IpcChannel } from '../../src/state/ipc-bus';
import { createLoadTracker } from '../../src/core/load-tracker';
import { makeWorker } from '../unit/policies/fixtures';

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

interface Topology {
  /** The control-plane participant (primary). */
  primary: StateBus;
  /** Adds an ingress participant. */
  join(id: string): StateBus;
  /** Removes a participant as if its process died. */
  leave(bus: StateBus): void;
}

const IMPLEMENTATIONS: Record<string, () => Topology> = {
  memory: () => {
    const hub = createMemoryHub();
    return { primary: hub.join('primary'), join: (id) => hub.join(id), leave: (b) => b.close() };
  },
  ipc: () => {
    const hub = createIpcHub('primary');
    return {
      primary: hub.local,
      join(id) {
        const [childEnd, primaryEnd] = channelPair();
        hub.addPeer(id, primaryEnd);
        return createIpcBus(id, childEnd);
      },
      leave: (b) => {
        hub.removePeer(b.id);
        b.close();
      },
    };
  },
};

function collect(bus: StateBus): StateMessage[] {
  const got: StateMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

for (const [name, make] of Object.entries(IMPLEMENTATIONS)) {
  describe(`state bus contract: ${name}`, () => {
    test('a message reaches every other participant, not its sender', async () => {
      const t = make();
      const a = t.join('a');
      const b = t.join('b');
      const gotA = collect(a);
      const gotB = collect(b);
      const gotP = collect(t.primary);
      a.publish({ t: 'loads', from: 'a', entries: [['w1', 3]] });
      await settle();
      assert.equal(gotA.length, 0);
      assert.deepEqual(gotB, [{ t: 'loads', from: 'a', entries: [['w1', 3]] }]);
      assert.deepEqual(gotP, [{ t: 'loads', from: 'a', entries: [['w1', 3]] }]);
    });

    test('a late joiner receives the newest registry snapshot and live load vectors', async () => {
      const t = make();
      const a = t.join('a');
      t.primary.publish({ t: 'registry', version: 1, workers: [makeWorker(1)] });
      t.primary.publish({ t: 'registry', version: 2, workers: [makeWorker(1), makeWorker(2)] });
      a.publish({ t: 'loads', from: 'a', entries: [['w2', 5]] });
      await settle();
      const late = t.join('late');
      const got = collect(late);
      await settle();
      const reg = got.filter((m) => m.t === 'registry');
      assert.equal(reg.length, 1);
      assert.equal(reg[0]?.t === 'registry' && reg[0].version, 2);
      assert.deepEqual(
        got.filter((m) => m.t === 'loads'),
        [{ t: 'loads', from: 'a', entries: [['w2', 5]] }],
      );
    });

    test('a participant that leaves is announced with peer-down', async () => {
      const t = make();
      const a = t.join('a');
      const b = t.join('b');
      const gotB = collect(b);
      t.leave(a);
      await settle();
      assert.deepEqual(gotB, [{ t: 'peer-down', from: 'a' }]);
    });

    test('load trackers on two participants see cluster-wide counts; a dead peer stops counting', async () => {
      const t = make();
      const a = t.join('a');
      const b = t.join('b');
      const la = createLoadTracker({ bus: a, publishIntervalMs: 1 });
      const lb = createLoadTracker({ bus: b, publishIntervalMs: 1 });
      const r1 = la.acquire('w1');
      la.acquire('w1');
      const r3 = lb.acquire('w1');
      await settle();
      assert.equal(la.get('w1'), 3);
      assert.equal(lb.get('w1'), 3);
      assert.equal(la.local('w1'), 2);
      r1();
      r1(); // release is idempotent
      r3();
      await settle();
      assert.equal(la.get('w1'), 1);
      assert.equal(lb.get('w1'), 1);
      t.leave(a);
      await settle();
      assert.equal(lb.get('w1'), 0, 'reports of a departed process expire with it');
      la.close();
      lb.close();
    });
  });
}
