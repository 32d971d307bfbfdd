import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createSchedulerCore,
  type PreemptRequest,
  type SchedOutcome,
} from '../../../src/priority/core';
import {
  DEFAULT_CLASS_CONFIG,
  prioritySettings,
  type ClassConfig,
} from '../../../src/priority/settings';
import type { PriorityClass } from '../../../src/priority/classes';
import { createFakeTime, flush } from '../resilience/fake-time';

/** Every class: no reservations, queue 10, timeout 10 s, starvation 1000 s, no preemption. */
const PLAIN: ClassConfig = {
  reservedFloor: 0,
  reservedPerSlot: 0,
  queueSize: 10,
  queueTimeoutSecs: 10,
  starvationThresholdSecs: 1000,
  canPreempt: false,
};

function setup(
  capacity: number,
  classes: Partial<Record<PriorityClass, Partial<ClassConfig>>> = {},
) {
  const time = createFakeTime();
  const preempts: PreemptRequest[] = [];
  const full = (c: PriorityClass): ClassConfig => ({ ...PLAIN, ...(classes[c] ?? {}) });
  const settings = prioritySettings(
    {
      classes: {
        bulk: full('bulk'),
        default: full('default'),
        interactive: full('interactive'),
        system: full('system'),
      },
      tenantPolicies: {},
    },
    'default',
    32,
  );
  let cap = capacity;
  const core = createSchedulerCore({
    settings,
    capacity: () => cap,
    clock: time.clock,
    timers: time.timers,
    onPreempt: (p) => preempts.push(p),
  });
  const results: string[] = [];
  const admit = (ticket: string, cls: PriorityClass, signal?: AbortSignal): void => {
    void core
      .admit('p1', ticket, cls, signal)
      .then((r: SchedOutcome) => results.push(`${ticket}:${r}`));
  };
  return { time, core, preempts, results, admit, setCapacity: (n: number) => (cap = n) };
}

void describe('priority core: ordering', () => {
  void test('a free slot goes to the highest waiting class, FIFO within a class', async () => {
    const s = setup(1);
    s.admit('run', 'bulk');
    s.admit('b1', 'bulk');
    s.admit('d1', 'default');
    s.admit('i1', 'interactive');
    s.admit('d2', 'default');
    s.admit('s1', 'system');
    await flush();
    assert.deepEqual(s.results, ['run:admitted']);
    assert.deepEqual(s.core.queued(), [1, 2, 1, 1]);
    for (const t of ['run', 's1', 'i1', 'd1', 'd2']) {
      s.core.release('p1', t);
      await flush();
    }
    assert.deepEqual(s.results, [
      'run:admitted',
      's1:waited',
      'i1:waited',
      'd1:waited',
      'd2:waited',
      'b1:waited',
    ]);
  });

  void test('a newcomer queues behind waiters of its class or above, not below', async () => {
    const s = setup(1);
    s.admit('run', 'default');
    s.admit('b1', 'bulk');
    await flush();
    s.setCapacity(2); // a slot appears without a release
    s.admit('d1', 'default'); // no default waits: takes it at once, ahead of the bulk waiter
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'd1:admitted']);
    assert.deepEqual(s.core.queued(), [1, 0, 0, 0]);
  });
});

void describe('priority core: reservations', () => {
  void test('lower classes cannot take the slots a higher class reserved', async () => {
    const s = setup(4, { system: { reservedFloor: 1 }, interactive: { reservedFloor: 1 } });
    for (const t of ['b1', 'b2', 'b3']) s.admit(t, 'bulk');
    await flush();
    // 4 slots − 1 reserved for system − 1 for interactive = 2 for bulk
    assert.deepEqual(s.results, ['b1:admitted', 'b2:admitted']);
    s.admit('i1', 'interactive');
    s.admit('i2', 'interactive'); // interactive may use its own and … not system's
    s.admit('s1', 'system');
    await flush();
    assert.deepEqual(s.results.slice(2), ['i1:admitted', 's1:admitted']);
    assert.deepEqual(s.core.inUse(), [2, 0, 1, 1]);
    assert.deepEqual(s.core.queued(), [1, 0, 1, 0]);
  });

  void test('a share of the capacity reserves max(floor, ceil(share × capacity))', async () => {
    const s = setup(10, { interactive: { reservedFloor: 1, reservedPerSlot: 0.25 } });
    for (let i = 0; i < 9; i++) s.admit(`d${i}`, 'default');
    await flush();
    assert.equal(s.results.length, 7); // 10 − ceil(2.5) = 7
  });

  void test('reservations that exceed the capacity are clamped from system down', async () => {
    const s = setup(3, { system: { reservedFloor: 2 }, interactive: { reservedFloor: 2 } });
    s.admit('i1', 'interactive');
    s.admit('i2', 'interactive');
    s.admit('d1', 'default');
    await flush();
    // system keeps 2, interactive gets the 1 left; default none
    assert.deepEqual(s.results, ['i1:admitted']);
  });

  void test('a starving head takes a free slot past the reservations (promoted)', async () => {
    const s = setup(2, {
      system: { reservedFloor: 1 },
      bulk: { starvationThresholdSecs: 5, queueTimeoutSecs: 60 },
    });
    s.admit('b1', 'bulk');
    s.admit('b2', 'bulk');
    await flush();
    assert.deepEqual(s.results, ['b1:admitted']);
    s.time.advance(5001);
    await flush();
    assert.deepEqual(s.results, ['b1:admitted', 'b2:promoted']);
  });
});

void describe('priority core: queue limits and timeouts', () => {
  void test('a full class queue rejects at once; other classes still queue', async () => {
    const s = setup(1, { bulk: { queueSize: 1 } });
    s.admit('run', 'default');
    s.admit('b1', 'bulk');
    s.admit('b2', 'bulk');
    s.admit('d1', 'default');
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'b2:queue_full']);
    assert.deepEqual(s.core.queued(), [1, 1, 0, 0]);
  });

  void test('queue size 0 rejects whenever no slot is free', async () => {
    const s = setup(1, { bulk: { queueSize: 0 } });
    s.admit('b1', 'bulk');
    s.admit('b2', 'bulk');
    await flush();
    assert.deepEqual(s.results, ['b1:admitted', 'b2:queue_full']);
  });

  void test('each class times out after its own queue timeout', async () => {
    const s = setup(1, { bulk: { queueTimeoutSecs: 2 }, interactive: { queueTimeoutSecs: 5 } });
    s.admit('run', 'default');
    s.admit('b1', 'bulk');
    s.admit('i1', 'interactive');
    await flush();
    s.time.advance(2000);
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'b1:timeout']);
    s.time.advance(3000);
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'b1:timeout', 'i1:timeout']);
    assert.deepEqual(s.core.queued(), [0, 0, 0, 0]);
  });

  void test('an aborted waiter leaves the queue; its owner going away frees its slots', async () => {
    const s = setup(1);
    s.admit('run', 'default');
    const ac = new AbortController();
    s.admit('gone', 'default', ac.signal);
    s.admit('next', 'bulk');
    await flush();
    ac.abort();
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'gone:aborted']);
    s.core.ownerGone('p1');
    await flush();
    assert.deepEqual(s.results, ['run:admitted', 'gone:aborted', 'next:aborted']);
    assert.deepEqual(s.core.inUse(), [0, 0, 0, 0]);
  });
});

void describe('priority core: preemption', () => {
  const preemptive = { interactive: { canPreempt: true }, system: { canPreempt: true } };

  void test('a blocked preemptor asks for the lowest-class, newest request that has not started', async () => {
    const s = setup(3, preemptive);
    s.admit('d1', 'default');
    s.time.advance(10);
    s.admit('b1', 'bulk');
    s.time.advance(10);
    s.admit('b2', 'bulk');
    s.admit('i1', 'interactive');
    await flush();
    assert.deepEqual(s.preempts, [
      { owner: 'p1', ticket: 'b2', victim: 'bulk', by: 'interactive' },
    ]);
    // the owner preempts it (answers 503) and releases: the slot goes to the interactive waiter
    s.core.release('p1', 'b2');
    await flush();
    assert.deepEqual(s.results.at(-1), 'i1:waited');
  });

  void test('a request that already started declines; the next victim is asked', async () => {
    const s = setup(2, preemptive);
    s.admit('b1', 'bulk');
    s.time.advance(10);
    s.admit('b2', 'bulk');
    s.admit('s1', 'system');
    await flush();
    assert.equal(s.preempts.length, 1);
    assert.equal(s.preempts[0]?.ticket, 'b2');
    s.core.decline('p1', 'b2');
    assert.equal(s.preempts.length, 2);
    assert.equal(s.preempts[1]?.ticket, 'b1');
    s.core.decline('p1', 'b1');
    assert.equal(s.preempts.length, 2, 'no victim left');
    s.admit('s2', 'system'); // a second preemptor finds nobody to preempt either
    await flush();
    assert.equal(s.preempts.length, 2);
  });

  void test('requests that sent their first byte, and equal or higher classes, are never victims', async () => {
    const s = setup(2, preemptive);
    s.admit('b1', 'bulk');
    s.admit('i1', 'interactive');
    await flush();
    s.core.firstByte('p1', 'b1');
    s.admit('i2', 'interactive');
    await flush();
    assert.deepEqual(s.preempts, []);
  });

  void test('classes that may not preempt only wait; one request per blocked preemptor', async () => {
    const s = setup(2, preemptive);
    s.admit('b1', 'bulk');
    s.admit('b2', 'bulk');
    s.admit('d1', 'default'); // can_preempt false
    await flush();
    assert.equal(s.preempts.length, 0);
    s.admit('i1', 'interactive');
    await flush();
    assert.equal(s.preempts.length, 1);
    s.core.poke(); // re-evaluating does not ask twice for the same waiter
    assert.equal(s.preempts.length, 1);
    s.admit('i2', 'interactive');
    await flush();
    assert.equal(s.preempts.length, 2);
    assert.notEqual(s.preempts[0]?.ticket, s.preempts[1]?.ticket);
  });
});

void describe('priority settings', () => {
  void test("SMG's defaults", () => {
    assert.deepEqual(DEFAULT_CLASS_CONFIG.interactive, {
      reservedFloor: 128,
      reservedPerSlot: 0.25,
      queueSize: 256,
      queueTimeoutSecs: 30,
      starvationThresholdSecs: 5,
      canPreempt: true,
    });
    assert.equal(DEFAULT_CLASS_CONFIG.bulk.queueTimeoutSecs, 300);
    assert.equal(DEFAULT_CLASS_CONFIG.system.reservedFloor, 32);
  });
});
