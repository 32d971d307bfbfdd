import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ADMISSION_REJECT_STATUS,
  createAdmission,
  type AdmissionConfig,
  type AdmissionResult,
} from '../../../src/resilience/admission';
import { systemClock } from '../../../src/util/clock';
import { createFakeTime, flush } from './fake-time';

function setup(cfg: Partial<AdmissionConfig> = {}) {
  const time = createFakeTime();
  const adm = createAdmission(
    { maxConcurrent: 2, refillPerSec: 0, queueSize: 100, queueTimeoutMs: 60_000, ...cfg },
    time.clock,
    time.timers,
  );
  return { time, adm };
}

/** Track a pending acquire: `results` fills in the order waiters are resolved. */
function track(results: string[], label: string, p: Promise<AdmissionResult>): void {
  void p.then((r) => results.push(`${label}:${r}`));
}

void describe('admission: off', () => {
  void test('maxConcurrent <= 0 admits everything', async () => {
    const { adm } = setup({ maxConcurrent: 0 });
    assert.equal(adm.enabled, false);
    for (let i = 0; i < 1000; i++) assert.equal(adm.acquireSync(), 'admitted');
    assert.equal(await adm.acquire(), 'admitted');
    assert.equal(adm.queueDepth(), 0);
  });
});

void describe('admission: token bucket', () => {
  void test('caps concurrency at capacity and queues the rest', async () => {
    const { adm } = setup();
    assert.equal(adm.acquireSync(), 'admitted');
    assert.equal(await adm.acquire(), 'admitted');
    assert.equal(adm.inUse(), 2);
    assert.equal(adm.acquireSync(), 'no_token');
    const results: string[] = [];
    track(results, 'c', adm.acquire());
    await flush();
    assert.equal(adm.queueDepth(), 1);
    assert.deepEqual(results, []);
    adm.release();
    await flush();
    assert.deepEqual(results, ['c:admitted']);
    assert.equal(adm.inUse(), 2);
    assert.equal(adm.queueDepth(), 0);
  });

  void test('release wakes the oldest waiter first (FIFO)', async () => {
    const { adm } = setup({ maxConcurrent: 1 });
    assert.equal(adm.acquireSync(), 'admitted');
    const results: string[] = [];
    for (const label of ['a', 'b', 'c']) track(results, label, adm.acquire());
    assert.equal(adm.queueDepth(), 3);
    adm.release();
    await flush();
    assert.deepEqual(results, ['a:admitted']);
    adm.release();
    adm.release();
    await flush();
    assert.deepEqual(results, ['a:admitted', 'b:admitted', 'c:admitted']);
  });

  void test('refills continuously over time (and concurrency may exceed capacity)', async () => {
    const { adm, time } = setup({ maxConcurrent: 2, refillPerSec: 2 });
    adm.acquireSync();
    adm.acquireSync();
    assert.equal(adm.available(), 0);
    const results: string[] = [];
    track(results, 'w', adm.acquire());
    time.advance(499);
    await flush();
    assert.deepEqual(results, []);
    time.advance(1);
    await flush();
    assert.deepEqual(results, ['w:admitted']);
    assert.equal(adm.inUse(), 3);
    time.advance(10_000);
    assert.equal(adm.available(), 2, 'refill is capped at capacity');
  });

  void test('a refill wake-up timer exists only while someone waits', async () => {
    const { adm, time } = setup({ maxConcurrent: 1, refillPerSec: 1, queueTimeoutMs: 5000 });
    adm.acquireSync();
    assert.equal(time.pending(), 0);
    const p = adm.acquire();
    assert.equal(time.pending(), 2, 'queue timeout + refill wake-up');
    adm.release();
    assert.equal(await p, 'admitted');
    assert.equal(time.pending(), 0);
  });

  void test('release returns tokens capped at capacity; extra releases are ignored', () => {
    const { adm } = setup();
    adm.acquireSync();
    adm.release();
    adm.release();
    adm.release();
    assert.equal(adm.inUse(), 0);
    assert.equal(adm.available(), 2);
  });

  void test('a release after a full refill does not overfill the bucket', () => {
    const { adm, time } = setup({ maxConcurrent: 2, refillPerSec: 2 });
    adm.acquireSync();
    time.advance(1000);
    assert.equal(adm.available(), 2);
    adm.release();
    assert.equal(adm.available(), 2);
    assert.equal(adm.inUse(), 0);
  });

  void test('acquireSync does not jump the queue after a late refill', async () => {
    const { adm, time } = setup({ maxConcurrent: 1, refillPerSec: 1 });
    adm.acquireSync();
    const results: string[] = [];
    track(results, 'queued', adm.acquire());
    time.set(time.clock.monotonic() + 1000); // a token accrued, wake-up timer not yet run
    assert.equal(adm.acquireSync(), 'no_token');
    await flush();
    assert.deepEqual(results, ['queued:admitted']);
  });
});

void describe('admission: queue limits', () => {
  void test('queue full → queue_full (429)', async () => {
    const { adm } = setup({ maxConcurrent: 1, queueSize: 2 });
    adm.acquireSync();
    void adm.acquire();
    void adm.acquire();
    assert.equal(await adm.acquire(), 'queue_full');
    assert.equal(ADMISSION_REJECT_STATUS.queue_full, 429);
    assert.equal(adm.queueDepth(), 2);
  });

  void test('queue size 0 rejects at once', async () => {
    const { adm } = setup({ maxConcurrent: 1, queueSize: 0 });
    adm.acquireSync();
    assert.equal(await adm.acquire(), 'queue_full');
  });

  void test('a waiter times out after queueTimeoutMs (408) and leaves the queue', async () => {
    const { adm, time } = setup({ maxConcurrent: 1, queueTimeoutMs: 1000 });
    adm.acquireSync();
    const results: string[] = [];
    track(results, 'a', adm.acquire());
    time.advance(999);
    await flush();
    assert.deepEqual(results, []);
    time.advance(1);
    await flush();
    assert.deepEqual(results, ['a:timeout']);
    assert.equal(ADMISSION_REJECT_STATUS.timeout, 408);
    assert.equal(adm.queueDepth(), 0);
    adm.release();
    assert.equal(adm.available(), 1, 'the released token was not handed to the timed-out waiter');
  });

  void test('timed-out waiters are skipped when a token frees up', async () => {
    const { adm, time } = setup({ maxConcurrent: 1, queueTimeoutMs: 1000 });
    adm.acquireSync();
    const results: string[] = [];
    track(results, 'a', adm.acquire());
    time.advance(500);
    track(results, 'b', adm.acquire());
    time.advance(500);
    adm.release();
    await flush();
    assert.deepEqual(results, ['a:timeout', 'b:admitted']);
  });

  void test('an aborted waiter leaves the queue', async () => {
    const { adm, time } = setup({ maxConcurrent: 1 });
    adm.acquireSync();
    const ac = new AbortController();
    const p = adm.acquire({ signal: ac.signal });
    assert.equal(adm.queueDepth(), 1);
    ac.abort();
    assert.equal(await p, 'aborted');
    assert.equal(adm.queueDepth(), 0);
    assert.equal(time.pending(), 0);
    const pre = new AbortController();
    pre.abort();
    assert.equal(await adm.acquire({ signal: pre.signal }), 'aborted');
  });

  void test('close ends every waiter and later acquires', async () => {
    const { adm, time } = setup({ maxConcurrent: 1, refillPerSec: 1 });
    adm.acquireSync();
    const waiting = [adm.acquire(), adm.acquire()];
    adm.close();
    assert.deepEqual(await Promise.all(waiting), ['closed', 'closed']);
    assert.equal(time.pending(), 0);
    assert.equal(await adm.acquire(), 'closed');
    assert.equal(adm.acquireSync(), 'no_token');
  });

  void test('rejects invalid configuration', () => {
    const { clock, timers } = createFakeTime();
    const base = { maxConcurrent: 1, queueSize: 1, queueTimeoutMs: 1 };
    assert.throws(() => createAdmission({ ...base, queueSize: -1 }, clock, timers), RangeError);
    assert.throws(() => createAdmission({ ...base, queueTimeoutMs: 0 }, clock, timers), RangeError);
    assert.throws(() => createAdmission({ ...base, refillPerSec: -1 }, clock, timers), RangeError);
  });

  void test('accepts the real timers', async () => {
    const adm = createAdmission(
      { maxConcurrent: 1, queueSize: 1, queueTimeoutMs: 10 },
      systemClock,
      { setTimeout, clearTimeout },
    );
    adm.acquireSync();
    adm.release();
    adm.acquireSync();
    const p = adm.acquire();
    adm.release();
    assert.equal(await p, 'admitted');
    adm.close();
  });
});
