import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_BACKOFF,
  RETRYABLE_STATUSES,
  backoffMs,
  isRetryableStatus,
  normalizeMaxAttempts,
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
