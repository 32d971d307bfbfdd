import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkerStatus } from '../../../src/core/worker';
import { createHealthState, type HealthState } from '../../../src/resilience/health-state';

const S = 2;
const F = 3;

function create(initial: 'pending' | 'ready' = 'pending'): HealthState {
  return createHealthState({ successThreshold: S, failureThreshold: F, initial });
}

/** Feed results; return what each record() reported. */
function feed(h: HealthState, results: readonly boolean[]): (WorkerStatus | undefined)[] {
  return results.map((ok) => h.record(ok));
}

const oks = (n: number) => Array<boolean>(n).fill(true);
const fails = (n: number) => Array<boolean>(n).fill(false);

function readyState(): HealthState {
  const h = create();
  feed(h, oks(S));
  assert.equal(h.status(), 'ready');
  return h;
}

void describe('health state: pending', () => {
  void test('becomes ready after S consecutive OK probes and reports the change once', () => {
    const h = create();
    assert.equal(h.status(), 'pending');
    assert.deepEqual(feed(h, oks(3)), [undefined, 'ready', undefined]);
  });

  void test('a failed probe resets the success run', () => {
    const h = create();
    feed(h, [true, false, true]);
    assert.equal(h.status(), 'pending');
    assert.equal(h.record(true), 'ready');
  });

  void test('fails after 10F probes without reaching ready', () => {
    const h = create();
    feed(h, fails(10 * F - 1));
    assert.equal(h.status(), 'pending');
    assert.equal(h.counters().pendingProbes, 10 * F - 1);
    assert.equal(h.record(false), 'failed');
  });

  void test('the 10F limit counts every probe, OK ones included', () => {
    const h = create();
    const alternating = Array.from({ length: 10 * F - 1 }, (_, i) => i % 2 === 0);
    feed(h, alternating); // never two OKs in a row
    assert.equal(h.status(), 'pending');
    assert.equal(h.record(false), 'failed');
  });

  void test('reaching ready on the 10F-th probe wins', () => {
    const h = create();
    feed(h, [...fails(10 * F - 2), true]);
    assert.equal(h.record(true), 'ready');
  });
});

void describe('health state: ready / not_ready / failed', () => {
  void test('ready → not_ready after F consecutive failures', () => {
    const h = readyState();
    assert.deepEqual(feed(h, fails(F)), [undefined, undefined, 'not_ready']);
  });

  void test('an OK probe resets the failure run while ready', () => {
    const h = readyState();
    feed(h, [...fails(F - 1), true, ...fails(F - 1)]);
    assert.equal(h.status(), 'ready');
    assert.equal(h.record(false), 'not_ready');
  });

  void test('not_ready → failed once the failure run reaches 3F', () => {
    const h = readyState();
    feed(h, fails(F));
    assert.equal(h.status(), 'not_ready');
    feed(h, fails(2 * F - 1));
    assert.equal(h.status(), 'not_ready');
    assert.equal(h.counters().consecutiveFailures, 3 * F - 1);
    assert.equal(h.record(false), 'failed');
  });

  void test('not_ready → ready after S consecutive OK probes', () => {
    const h = readyState();
    feed(h, fails(F + 1));
    assert.deepEqual(feed(h, [true, false, true, true]), [
      undefined,
      undefined,
      undefined,
      'ready',
    ]);
  });

  void test('failed ignores further probes', () => {
    const h = create();
    feed(h, fails(10 * F));
    assert.equal(h.status(), 'failed');
    assert.deepEqual(feed(h, oks(5)), Array(5).fill(undefined));
    assert.equal(h.status(), 'failed');
  });

  void test('initial ready (health checks disabled) starts serving', () => {
    const h = create('ready');
    assert.equal(h.status(), 'ready');
    assert.equal(h.record(true), undefined);
  });
});

void describe('health state: draining', () => {
  void test('markDraining reports once and draining ignores probes', () => {
    const h = readyState();
    assert.equal(h.markDraining(), 'draining');
    assert.equal(h.markDraining(), undefined);
    assert.deepEqual(feed(h, fails(10 * F)), Array(10 * F).fill(undefined));
    assert.equal(h.status(), 'draining');
  });

  void test('a failed worker can be drained for removal', () => {
    const h = create();
    feed(h, fails(10 * F));
    assert.equal(h.markDraining(), 'draining');
  });

  void test('rejects invalid thresholds', () => {
    assert.throws(
      () => createHealthState({ successThreshold: 0, failureThreshold: 3, initial: 'pending' }),
      RangeError,
    );
    assert.throws(
      () => createHealthState({ successThreshold: 2, failureThreshold: 2.5, initial: 'pending' }),
      RangeError,
    );
  });
});
