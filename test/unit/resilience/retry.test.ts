import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_BACKOFF,
  RETRYABLE_STATUSES,
  backoffMs,
  isRetryableStatus,
  normalizeMaxAttempts,
  runWithRetries,
  type AttemptResult,
  type RetryOptions,
} from '../../../src/resilience/retry';
import { seededRng } from '../../../src/util/rng';

const NO_JITTER = { ...DEFAULT_BACKOFF, jitter: 0 };
const constant = (u: number) => () => u;

void describe('retryable statuses', () => {
  void test('the fixed SMG set', () => {
    assert.deepEqual([...RETRYABLE_STATUSES].sort(), [408, 429, 500, 502, 503, 504]);
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true);
    for (const s of [200, 400, 401, 404, 501, 505]) assert.equal(isRetryableStatus(s), false);
  });

  void test('a per-worker override set replaces the default', () => {
    const set = new Set([400]);
    assert.equal(isRetryableStatus(400, set), true);
    assert.equal(isRetryableStatus(503, set), false);
  });
});

void describe('normalizeMaxAttempts', () => {
  void test('values below 1 become 1', () => {
    assert.equal(normalizeMaxAttempts(0), 1);
    assert.equal(normalizeMaxAttempts(-3), 1);
    assert.equal(normalizeMaxAttempts(Number.NaN), 1);
    assert.equal(normalizeMaxAttempts(1), 1);
    assert.equal(normalizeMaxAttempts(5), 5);
    assert.equal(normalizeMaxAttempts(2.7), 2);
  });
});

void describe('backoffMs', () => {
  void test('without jitter: 50, 75, then truncated like SMG (112.5 → 112), capped at 30000', () => {
    const seq = Array.from({ length: 18 }, (_, k) => backoffMs(k, NO_JITTER, constant(0)));
    assert.deepEqual(
      seq,
      [
        50, 75, 112, 168, 253, 379, 569, 854, 1281, 1922, 2883, 4324, 6487, 9730, 14596, 21894,
        30000, 30000,
      ],
    );
    assert.equal(backoffMs(100, NO_JITTER, constant(0)), 30000);
  });

  void test('jitter spans ±j × base and rounds half away from zero', () => {
    assert.equal(backoffMs(0, DEFAULT_BACKOFF, constant(0)), 40); // 50 − 10
    assert.equal(backoffMs(0, DEFAULT_BACKOFF, constant(0.5)), 50);
    assert.equal(backoffMs(2, DEFAULT_BACKOFF, constant(0)), 90); // 112 − round(22.4)
    const half = { ...DEFAULT_BACKOFF, jitter: 0.5 };
    assert.equal(backoffMs(0, half, constant(0.25)), 37); // 50 + round(−12.5) = 50 − 13
    assert.equal(backoffMs(0, half, constant(0.75)), 63); // 50 + round(12.5) = 50 + 13
  });

  void test('jitter applies after the cap and the result never goes negative', () => {
    assert.equal(backoffMs(30, DEFAULT_BACKOFF, constant(0)), 24000);
    const full = { ...DEFAULT_BACKOFF, jitter: 5 }; // clamped to 1
    assert.equal(backoffMs(0, full, constant(0)), 0);
  });

  void test('pinned sequence with seededRng(42) and the defaults', () => {
    const rng = seededRng(42);
    const seq = Array.from({ length: 8 }, (_, k) => backoffMs(k, DEFAULT_BACKOFF, rng));
    // u = 0.6011… → scale 0.0404 → 50 + 2; u = 0.4483… → 75 − round(1.55) = 73; …
    assert.deepEqual(seq, [52, 73, 128, 179, 220, 383, 517, 897]);
  });
});

interface Harness {
  readonly sleeps: number[];
  readonly excludedSeen: string[][];
  readonly opts: RetryOptions<string>;
}

function harness(
  results: AttemptResult<string>[],
  extra: Partial<RetryOptions<string>> = {},
): Harness {
  const sleeps: number[] = [];
  const excludedSeen: string[][] = [];
  const opts: RetryOptions<string> = {
    maxAttempts: 5,
    backoff: NO_JITTER,
    rng: constant(0),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    attempt: (k, excluded) => {
      excludedSeen.push([...excluded]);
      const r = results[k];
      assert.ok(r, `unexpected attempt ${k}`);
      return Promise.resolve(r);
    },
    ...extra,
  };
  return { sleeps, excludedSeen, opts };
}

const retry = (workerId: string, value = `503 from ${workerId}`): AttemptResult<string> => ({
  kind: 'retry',
  workerId,
  value,
});

void describe('runWithRetries', () => {
  void test('a done first attempt returns at once', async () => {
    const h = harness([{ kind: 'done', value: 'ok' }]);
    const r = await runWithRetries(h.opts);
    assert.deepEqual(r, { value: 'ok', attempts: 1, exhausted: false, aborted: false });
    assert.deepEqual(h.sleeps, []);
  });

  void test('accumulates excluded workers and sleeps the backoff between attempts', async () => {
    const backoffs: [number, number][] = [];
    const h = harness([retry('w1'), retry('w2'), { kind: 'done', value: 'ok' }], {
      onBackoff: (ms, next) => backoffs.push([ms, next]),
    });
    const r = await runWithRetries(h.opts);
    assert.deepEqual(r, { value: 'ok', attempts: 3, exhausted: false, aborted: false });
    assert.deepEqual(h.excludedSeen, [[], ['w1'], ['w1', 'w2']]);
    assert.deepEqual(h.sleeps, [50, 75]);
    assert.deepEqual(backoffs, [
      [50, 1],
      [75, 2],
    ]);
  });

  void test('a retry without a worker id excludes nothing', async () => {
    const h = harness(
      [{ kind: 'retry', value: '503 no_available_workers' }, retry('w1'), retry('w1')],
      {
        maxAttempts: 3,
      },
    );
    await runWithRetries(h.opts);
    assert.deepEqual(h.excludedSeen, [[], [], ['w1']]);
  });

  void test('exhausted: returns the last response as-is, no sleep after the last attempt', async () => {
    const h = harness([retry('w1', 'a'), retry('w2', 'b'), retry('w3', 'c')], { maxAttempts: 3 });
    const r = await runWithRetries(h.opts);
    assert.deepEqual(r, { value: 'c', attempts: 3, exhausted: true, aborted: false });
    assert.deepEqual(h.sleeps, [50, 75]);
  });

  void test('maxAttempts < 1 still runs one attempt', async () => {
    const h = harness([retry('w1')], { maxAttempts: 0 });
    const r = await runWithRetries(h.opts);
    assert.equal(r.attempts, 1);
    assert.equal(r.exhausted, true);
  });

  void test('abort during the backoff stops before the next attempt', async () => {
    const ac = new AbortController();
    const h = harness([retry('w1', 'first'), retry('w2')], {
      signal: ac.signal,
      sleep: (_ms, signal) => {
        assert.equal(signal, ac.signal);
        ac.abort();
        return Promise.reject(new Error('aborted'));
      },
    });
    const r = await runWithRetries(h.opts);
    assert.deepEqual(r, { value: 'first', attempts: 1, exhausted: false, aborted: true });
    assert.equal(h.excludedSeen.length, 1);
  });

  void test('abort during an attempt skips the backoff', async () => {
    const ac = new AbortController();
    const sleeps: number[] = [];
    const r = await runWithRetries<string>({
      maxAttempts: 5,
      backoff: NO_JITTER,
      rng: constant(0),
      signal: ac.signal,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      attempt: () => {
        ac.abort();
        return Promise.resolve(retry('w1'));
      },
    });
    assert.equal(r.aborted, true);
    assert.equal(r.attempts, 1);
    assert.deepEqual(sleeps, []);
  });

  void test('a sleep that resolves after an abort still stops', async () => {
    const ac = new AbortController();
    const h = harness([retry('w1'), retry('w2')], {
      signal: ac.signal,
      sleep: () => {
        ac.abort();
        return Promise.resolve();
      },
    });
    const r = await runWithRetries(h.opts);
    assert.equal(r.aborted, true);
    assert.equal(r.attempts, 1);
  });

  void test('errors from attempt or from a non-aborted sleep propagate', async () => {
    await assert.rejects(
      runWithRetries<string>({
        ...harness([]).opts,
        attempt: () => Promise.reject(new Error('boom')),
      }),
      /boom/,
    );
    const h = harness([retry('w1')], { sleep: () => Promise.reject(new Error('timer broke')) });
    await assert.rejects(runWithRetries(h.opts), /timer broke/);
  });
});
