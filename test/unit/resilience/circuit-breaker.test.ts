import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createCircuitBreaker,
  type CbPermit,
  type CircuitBreakerConfig,
  type CircuitState,
} from '../../../src/resilience/circuit-breaker';
import { createFakeTime, type FakeTime } from './fake-time';

const CFG: CircuitBreakerConfig = {
  failureThreshold: 3,
  successThreshold: 2,
  openTimeoutMs: 1000,
  halfOpenMaxProbes: 1,
};

function setup(overrides: Partial<CircuitBreakerConfig> = {}) {
  const time = createFakeTime();
  const cb = createCircuitBreaker({ ...CFG, ...overrides }, time.clock);
  const transitions: string[] = [];
  cb.onTransition((from, to) => transitions.push(`${from}->${to}`));
  return { time, cb, transitions };
}

function mustAcquire(cb: { acquire(): CbPermit | undefined }): CbPermit {
  const p = cb.acquire();
  assert.ok(p, 'expected a permit');
  return p;
}

function fail(cb: { acquire(): CbPermit | undefined }, n: number): void {
  for (let i = 0; i < n; i++) mustAcquire(cb).failure();
}

/** Trip the breaker and wait out the open timeout so the next read is half_open. */
function toHalfOpen(cb: ReturnType<typeof setup>['cb'], time: FakeTime): void {
  fail(cb, CFG.failureThreshold);
  time.advance(CFG.openTimeoutMs);
  assert.equal(cb.state(), 'half_open');
}

void describe('circuit breaker: closed', () => {
  void test('starts closed and admits', () => {
    const { cb } = setup();
    assert.equal(cb.state(), 'closed');
    assert.equal(cb.canExecute(), true);
    assert.ok(cb.acquire());
    assert.deepEqual(cb.counters(), {
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      totalFailures: 0,
      totalSuccesses: 0,
      probesInFlight: 0,
    });
  });

  void test('opens after failureThreshold consecutive failures', () => {
    const { cb, transitions } = setup();
    fail(cb, 2);
    assert.equal(cb.state(), 'closed');
    assert.equal(cb.counters().consecutiveFailures, 2);
    fail(cb, 1);
    assert.equal(cb.state(), 'open');
    assert.deepEqual(transitions, ['closed->open']);
    // SMG keeps the failure run when opening.
    assert.equal(cb.counters().consecutiveFailures, 3);
  });

  void test('a success resets the failure run', () => {
    const { cb } = setup();
    fail(cb, 2);
    mustAcquire(cb).success();
    assert.equal(cb.counters().consecutiveFailures, 0);
    fail(cb, 2);
    assert.equal(cb.state(), 'closed');
    fail(cb, 1);
    assert.equal(cb.state(), 'open');
  });
});

void describe('circuit breaker: open', () => {
  void test('rejects until the timeout, then flips lazily to half_open', () => {
    const { cb, time, transitions } = setup();
    fail(cb, 3);
    assert.equal(cb.acquire(), undefined);
    assert.equal(cb.canExecute(), false);
    time.advance(999);
    assert.equal(cb.state(), 'open');
    assert.equal(cb.acquire(), undefined);
    time.advance(1);
    assert.deepEqual(transitions, ['closed->open'], 'no transition until a state read');
    assert.equal(cb.canExecute(), true);
    assert.deepEqual(transitions, ['closed->open', 'open->half_open']);
    assert.equal(cb.counters().consecutiveFailures, 0);
    assert.equal(cb.counters().consecutiveSuccesses, 0);
  });

  void test('outcomes arriving while open do not transition', () => {
    const { cb, transitions } = setup();
    const late = mustAcquire(cb);
    fail(cb, 3);
    late.success();
    assert.equal(cb.state(), 'open');
    assert.equal(cb.counters().totalSuccesses, 1);
    assert.deepEqual(transitions, ['closed->open']);
  });
});

void describe('circuit breaker: half_open', () => {
  void test('admits at most halfOpenMaxProbes concurrent probes', () => {
    const { cb, time } = setup();
    toHalfOpen(cb, time);
    const probe = mustAcquire(cb);
    assert.equal(cb.counters().probesInFlight, 1);
    assert.equal(cb.acquire(), undefined);
    assert.equal(cb.canExecute(), false);
    probe.success();
    assert.equal(cb.state(), 'half_open');
    assert.equal(cb.counters().probesInFlight, 0);
    assert.equal(cb.canExecute(), true);
  });

  void test('closes after successThreshold consecutive probe successes', () => {
    const { cb, time, transitions } = setup();
    toHalfOpen(cb, time);
    mustAcquire(cb).success();
    assert.equal(cb.state(), 'half_open');
    mustAcquire(cb).success();
    assert.equal(cb.state(), 'closed');
    assert.deepEqual(transitions, ['closed->open', 'open->half_open', 'half_open->closed']);
    assert.equal(cb.counters().consecutiveSuccesses, 0);
    assert.equal(cb.counters().consecutiveFailures, 0);
  });

  void test('any probe failure re-opens for a full timeout', () => {
    const { cb, time, transitions } = setup();
    toHalfOpen(cb, time);
    mustAcquire(cb).success();
    mustAcquire(cb).failure();
    assert.equal(cb.state(), 'open');
    assert.deepEqual(transitions, ['closed->open', 'open->half_open', 'half_open->open']);
    time.advance(999);
    assert.equal(cb.state(), 'open');
    time.advance(1);
    assert.equal(cb.state(), 'half_open');
  });

  void test('permit.cancel frees the probe slot without a verdict', () => {
    const { cb, time } = setup();
    toHalfOpen(cb, time);
    const probe = mustAcquire(cb);
    assert.equal(cb.acquire(), undefined);
    const before = cb.counters();
    probe.cancel();
    assert.equal(cb.state(), 'half_open');
    assert.deepEqual(cb.counters(), { ...before, probesInFlight: 0 });
    assert.ok(cb.acquire());
  });

  void test('halfOpenMaxProbes = 2 admits two', () => {
    const { cb, time } = setup({ halfOpenMaxProbes: 2 });
    toHalfOpen(cb, time);
    const a = mustAcquire(cb);
    mustAcquire(cb);
    assert.equal(cb.acquire(), undefined);
    a.success();
    assert.ok(cb.acquire());
  });

  void test('verdicts of requests admitted before opening do not decide recovery', () => {
    const { cb, time } = setup();
    const stale = [mustAcquire(cb), mustAcquire(cb)];
    toHalfOpen(cb, time);
    stale[0]?.failure();
    assert.equal(cb.state(), 'half_open', 'a stale failure does not re-open');
    stale[1]?.success();
    assert.equal(cb.counters().consecutiveSuccesses, 0, 'a stale success is not a probe success');
    assert.equal(cb.counters().totalFailures, 4);
    assert.equal(cb.counters().totalSuccesses, 1);
  });

  void test("a probe of an earlier half-open period does not free the new period's slot", () => {
    const { cb, time } = setup();
    toHalfOpen(cb, time);
    const old = mustAcquire(cb);
    cb.recordFailure(); // forwarded verdict: half_open → open
    assert.equal(cb.state(), 'open');
    time.advance(1000);
    mustAcquire(cb);
    old.success();
    assert.equal(cb.counters().probesInFlight, 1);
    assert.equal(cb.acquire(), undefined);
    assert.equal(cb.counters().consecutiveSuccesses, 0);
  });
});

void describe('circuit breaker: permits and listeners', () => {
  void test('a permit settles once; later calls are ignored', () => {
    const { cb } = setup();
    const p = mustAcquire(cb);
    p.failure();
    p.failure();
    p.success();
    p.cancel();
    assert.equal(cb.counters().totalFailures, 1);
    assert.equal(cb.counters().totalSuccesses, 0);
    assert.equal(cb.counters().consecutiveFailures, 1);
  });

  void test('onTransition returns an unsubscribe function', () => {
    const { cb } = setup();
    const seen: [CircuitState, CircuitState][] = [];
    const off = cb.onTransition((from, to) => seen.push([from, to]));
    fail(cb, 3);
    off();
    cb.force('closed');
    assert.deepEqual(seen, [['closed', 'open']]);
  });

  void test('recordSuccess/recordFailure apply forwarded verdicts', () => {
    const { cb, time } = setup();
    cb.recordFailure();
    cb.recordFailure();
    cb.recordFailure();
    assert.equal(cb.state(), 'open');
    time.advance(1000);
    assert.equal(cb.state(), 'half_open');
    cb.recordSuccess();
    cb.recordSuccess();
    assert.equal(cb.state(), 'closed');
  });

  void test('disabled never opens on its own', () => {
    const { cb } = setup({ disabled: true });
    fail(cb, 1000);
    assert.equal(cb.state(), 'closed');
    assert.equal(cb.counters().consecutiveFailures, 1000);
  });

  void test('rejects invalid configuration', () => {
    const { clock } = createFakeTime();
    assert.throws(() => createCircuitBreaker({ ...CFG, failureThreshold: 0 }, clock), RangeError);
    assert.throws(() => createCircuitBreaker({ ...CFG, successThreshold: 1.5 }, clock), RangeError);
    assert.throws(() => createCircuitBreaker({ ...CFG, openTimeoutMs: 0 }, clock), RangeError);
    assert.throws(() => createCircuitBreaker({ ...CFG, halfOpenMaxProbes: 0 }, clock), RangeError);
  });
});

void describe('circuit breaker: replication', () => {
  void test('snapshot/restore carries the remaining open time to a replica', () => {
    const primary = setup();
    const replica = setup();
    fail(primary.cb, 3);
    primary.time.advance(300);
    const snap = primary.cb.snapshot();
    assert.deepEqual(snap, {
      state: 'open',
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      openRemainingMs: 700,
    });
    replica.cb.restore(snap);
    assert.deepEqual(replica.transitions, ['closed->open']);
    assert.equal(replica.cb.acquire(), undefined);
    replica.time.advance(699);
    assert.equal(replica.cb.state(), 'open');
    replica.time.advance(1);
    assert.equal(replica.cb.state(), 'half_open');
  });

  void test('restoring closed re-admits; restoring the same state fires nothing', () => {
    const { cb, transitions } = setup();
    fail(cb, 3);
    cb.restore({
      state: 'open',
      consecutiveFailures: 5,
      consecutiveSuccesses: 0,
      openRemainingMs: 10,
    });
    assert.deepEqual(transitions, ['closed->open']);
    assert.equal(cb.counters().consecutiveFailures, 5);
    cb.restore({
      state: 'closed',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      openRemainingMs: 0,
    });
    assert.equal(cb.state(), 'closed');
    assert.ok(cb.acquire());
    assert.deepEqual(transitions, ['closed->open', 'open->closed']);
  });

  void test('force opens for a fresh timeout and force closed resets counters', () => {
    const { cb, time } = setup();
    fail(cb, 2);
    cb.force('open');
    assert.equal(cb.state(), 'open');
    time.advance(1000);
    assert.equal(cb.state(), 'half_open');
    cb.force('closed');
    assert.equal(cb.state(), 'closed');
    assert.equal(cb.counters().consecutiveFailures, 0);
    fail(cb, 2);
    cb.force('closed');
    assert.equal(cb.counters().consecutiveFailures, 0);
  });
});
