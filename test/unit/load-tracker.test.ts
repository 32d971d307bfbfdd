import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoadTracker } from '../../src/core/load-tracker';
import { createMemoryHub } from '../../src/state/memory-bus';

void test('pendingBlocks: prefill work in flight per worker, released once with its request', () => {
  const bus = createMemoryHub().join('p1');
  const loads = createLoadTracker({ bus });
  try {
    const a = loads.acquire('w1', 120);
    const b = loads.acquire('w1', 5);
    const c = loads.acquire('w2'); // no work: a request routed without a prediction
    loads.acquire('w3', Number.NaN); // nonsense work counts as none
    assert.deepEqual([loads.pendingBlocks('w1'), loads.pendingBlocks('w2')], [125, 0]);
    assert.equal(loads.pendingBlocks('w3'), 0);
    assert.equal(loads.get('w1'), 2);
    a();
    a(); // idempotent
    assert.equal(loads.pendingBlocks('w1'), 5);
    b();
    c();
    assert.deepEqual([loads.pendingBlocks('w1'), loads.get('w1'), loads.get('w2')], [0, 0, 0]);
    loads.acquire('w4', 9);
    loads.forget('w4');
    assert.equal(loads.pendingBlocks('w4'), 0);
  } finally {
    loads.close();
  }
});

const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

void test('pendingBlocks: prefilled() drops the work but keeps the request counted', () => {
  const loads = createLoadTracker({ bus: createMemoryHub().join('p1') });
  try {
    const a = loads.acquire('w1', 40);
    a.prefilled();
    a.prefilled(); // idempotent
    assert.deepEqual([loads.pendingBlocks('w1'), loads.get('w1')], [0, 1]);
    a();
    assert.deepEqual([loads.pendingBlocks('w1'), loads.get('w1')], [0, 0]);
  } finally {
    loads.close();
  }
});

void test('pendingBlocks is cluster-wide: peers report theirs with their loads', async () => {
  const hub = createMemoryHub();
  const p1 = createLoadTracker({ bus: hub.join('p1'), publishIntervalMs: 1 });
  const p2 = createLoadTracker({ bus: hub.join('p2'), publishIntervalMs: 1 });
  const p3Bus = hub.join('p3');
  const p3 = createLoadTracker({ bus: p3Bus, publishIntervalMs: 1 });
  try {
    const a = p1.acquire('w1', 30);
    p2.acquire('w1', 12);
    const c = p3.acquire('w2', 7);
    await settle();
    assert.deepEqual([p1.pendingBlocks('w1'), p2.pendingBlocks('w1')], [42, 42]);
    assert.deepEqual([p1.pendingBlocks('w2'), p1.get('w1')], [7, 2]);
    a.prefilled(); // p1's request reached its first byte: its work leaves every replica
    await settle();
    assert.deepEqual([p2.pendingBlocks('w1'), p2.get('w1')], [12, 2]);
    c();
    await settle();
    assert.equal(p1.pendingBlocks('w2'), 0);
    p3.acquire('w2', 5);
    await settle();
    assert.equal(p1.pendingBlocks('w2'), 5);
    p3.close();
    p3Bus.close(); // a peer that goes away takes its reports with it
    await settle();
    assert.deepEqual([p1.pendingBlocks('w2'), p1.get('w2')], [0, 0]);
  } finally {
    p1.close();
    p2.close();
  }
});

/** Polls until `cond` holds (or fails after `ms`). */
async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

void test('reports: a significant change travels at once, ±1 jitter at a high level waits for the staleness bound', async () => {
  const hub = createMemoryHub();
  const p1 = createLoadTracker({ bus: hub.join('p1'), publishIntervalMs: 1, maxStaleMs: 100 });
  const p2 = createLoadTracker({ bus: hub.join('p2'), publishIntervalMs: 1, maxStaleMs: 100 });
  try {
    const leases = Array.from({ length: 40 }, () => p1.acquire('w1'));
    await waitFor(() => p2.get('w1') === 40); // from 0 to 40 is significant
    leases.pop()?.(); // 39: within 10 % of 40
    const t0 = Date.now();
    await settle(20);
    assert.equal(p2.get('w1'), 40, 'the jitter waits');
    for (let i = 0; i < 4; i++) leases.pop()?.(); // 35: more than 10 % below 40
    await waitFor(() => p2.get('w1') === 35);
    assert.ok(Date.now() - t0 < 100, 'a real change does not wait for the staleness bound');
    leases.pop()?.(); // 34: jitter again, but it does arrive
    await waitFor(() => p2.get('w1') === 34);
    for (const l of leases) l();
    await waitFor(() => p2.get('w1') === 0);
  } finally {
    p1.close();
    p2.close();
  }
});

void test('reports: a process whose counts change all the time reports once per minReportGapMs, not once per interval', async (t) => {
  // mocked setTimeout and Date drive the tracker's timers and clock: no waiting on real time
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const hub = createMemoryHub();
  const busy = createLoadTracker({
    bus: hub.join('p1'),
    publishIntervalMs: 1,
    maxStaleMs: 5,
    minReportGapMs: 100,
    now: () => Date.now(),
  });
  const watcher = hub.join('p2');
  const reports: number[] = [];
  watcher.subscribe((m) => {
    if (m.t === 'loads' && m.from === 'p1') reports.push(Date.now());
  });
  // the memory bus delivers in microtasks
  const advance = async (ms: number): Promise<void> => {
    for (let i = 0; i < ms; i++) {
      t.mock.timers.tick(1);
      for (let j = 0; j < 3; j++) await Promise.resolve();
    }
  };
  try {
    // 0 ↔ 20 requests every 2 ms for 300 ms: every change is significant
    const t0 = Date.now();
    let leases: Array<() => void> = [];
    while (Date.now() - t0 < 300) {
      if (leases.length === 0) leases = Array.from({ length: 20 }, () => busy.acquire('w1'));
      else for (const l of leases.splice(0)) l();
      await advance(2);
    }
    for (const l of leases) l();
    await advance(100);
    // the first change at once, then one per 100 ms; one per interval would be ~150
    assert.deepEqual(
      reports.map((r) => r - t0),
      [1, 101, 201, 301],
    );
    // after a quiet spell longer than the gap, a change travels within the interval again
    await advance(150);
    const t1 = Date.now();
    const l = busy.acquire('w1');
    await advance(1);
    assert.equal(reports.at(-1), t1 + 1, 'a change after a quiet spell waits for no gap');
    l();
  } finally {
    busy.close();
    watcher.close();
  }
});

void test('a lease released after its worker was forgotten does not touch the worker added again', () => {
  const loads = createLoadTracker({ bus: createMemoryHub().join('p1') });
  const changes: Array<[string, number]> = [];
  loads.onChange((id, n) => changes.push([id, n]));
  try {
    const old = loads.acquire('w1', 8);
    loads.forget('w1');
    assert.deepEqual([loads.get('w1'), loads.local('w1'), loads.pendingBlocks('w1')], [0, 0, 0]);
    const fresh = loads.acquire('w1'); // the same id registered again
    changes.length = 0;
    old();
    assert.deepEqual([loads.get('w1'), loads.local('w1')], [1, 1], 'the new count is intact');
    assert.deepEqual(changes, [], 'nobody hears about the forgotten record');
    fresh();
    assert.deepEqual([loads.get('w1'), loads.local('w1')], [0, 0]);
    assert.deepEqual(changes, [['w1', 0]]);
  } finally {
    loads.close();
  }
});
