import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

const gen = (gw: TestGateway) => postJson(`${gw.url}/generate`, { text: 'x' });

async function worker(
  gw: TestGateway,
  url: string,
): Promise<{ id: string; status: string; circuit_state: string }> {
  const list = (await (await fetch(`${gw.url}/workers`)).json()) as {
    workers: Array<{ id: string; url: string; status: string; circuit_state: string }>;
  };
  const w = list.workers.find((x) => x.url === url);
  assert.ok(w, `worker ${url} listed`);
  return w;
}

describe('retries', () => {
  test('a failing and a healthy engine: every request succeeds, the failing one is excluded on retry', async () => {
    const [bad, good] = (await startEngines(2)) as [MockEngine, MockEngine];
    bad.setFault({ status: 500 });
    const gw = await startTestGateway([
      '--worker-urls',
      bad.url,
      good.url,
      '--policy',
      'round_robin',
      '--retry-initial-backoff-ms',
      '1',
    ]);
    try {
      for (let i = 0; i < 10; i++) {
        const r = await gen(gw);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('x-worker-id'), good.workerId);
      }
      // each request tried the bad engine at most once (exclusion), round robin sends half there first
      assert.ok(
        bad.stats().failed <= 10,
        `bad engine hit ${bad.stats().failed} times for 10 requests`,
      );
    } finally {
      await closeAll(gw, bad, good);
    }
  });

  test('all engines failing: the last answer is returned as-is after --retry-max-retries attempts', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    a.setFault({ status: 503 });
    const gw = await startTestGateway([
      '--worker-urls',
      a.url,
      '--retry-max-retries',
      '3',
      '--retry-initial-backoff-ms',
      '20',
    ]);
    try {
      const before = a.stats().failed;
      const t0 = Date.now();
      const r = await gen(gw);
      assert.equal(r.status, 503);
      assert.equal(a.stats().failed - before, 3);
      assert.ok(Date.now() - t0 >= 20 + 30 - 10, 'backoff was applied between attempts');
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      assert.match(metrics, /smg_worker_retries_total\{[^}]*endpoint="generate"[^}]*\} 2/);
      assert.match(
        metrics,
        /smg_worker_retries_exhausted_total\{[^}]*endpoint="generate"[^}]*\} 1/,
      );
    } finally {
      await closeAll(gw, a);
    }
  });

  test('--disable-retries: one attempt, the error passes through', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    a.setFault({ status: 500 });
    const gw = await startTestGateway(['--worker-urls', a.url, '--disable-retries']);
    try {
      const before = a.stats().failed;
      assert.equal((await gen(gw)).status, 500);
      assert.equal(a.stats().failed - before, 1);
    } finally {
      await closeAll(gw, a);
    }
  });

  test('non-retryable statuses (400) are not retried', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    a.setFault({ status: 400 });
    const gw = await startTestGateway(['--worker-urls', a.url]);
    try {
      const before = a.stats().failed;
      assert.equal((await gen(gw)).status, 400);
      assert.equal(a.stats().failed - before, 1);
    } finally {
      await closeAll(gw, a);
    }
  });
});

describe('circuit breaker (instance-wide, bounded half-open)', () => {
  test('opens after consecutive failures, routes around, half-opens after the timeout, closes on success', async () => {
    const [bad, good] = (await startEngines(2)) as [MockEngine, MockEngine];
    bad.setFault({ status: 500 });
    const gw = await startTestGateway([
      '--worker-urls',
      bad.url,
      good.url,
      '--policy',
      'round_robin',
      '--disable-retries',
      '--cb-failure-threshold',
      '3',
      '--cb-success-threshold',
      '1',
      '--cb-timeout-duration-secs',
      '1',
    ]);
    try {
      for (let i = 0; i < 8; i++) await gen(gw);
      await eventually(async () => (await worker(gw, bad.url)).circuit_state === 'open', 2000);
      const hitsWhenOpen = bad.stats().requests;
      for (let i = 0; i < 6; i++)
        assert.equal(
          (await gen(gw)).status,
          200,
          'open circuit: all traffic to the healthy engine',
        );
      assert.equal(bad.stats().requests, hitsWhenOpen);
      bad.setFault({ status: null });
      await eventually(async () => (await worker(gw, bad.url)).circuit_state === 'half_open', 3000);
      for (let i = 0; i < 4; i++) await gen(gw);
      await eventually(async () => (await worker(gw, bad.url)).circuit_state === 'closed', 2000);
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      assert.match(
        metrics,
        new RegExp(`smg_worker_cb_transitions_total\\{[^}]*from="closed"[^}]*to="open"[^}]*\\} 1`),
      );
    } finally {
      await closeAll(gw, bad, good);
    }
  });

  test('all circuits open → 503 no_available_workers', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    a.setFault({ status: 500 });
    const gw = await startTestGateway([
      '--worker-urls',
      a.url,
      '--disable-retries',
      '--cb-failure-threshold',
      '2',
      '--cb-timeout-duration-secs',
      '60',
    ]);
    try {
      await gen(gw);
      await gen(gw);
      await eventually(async () => (await worker(gw, a.url)).circuit_state === 'open', 2000);
      const r = await gen(gw);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('x-smg-error-code'), 'no_available_workers');
    } finally {
      await closeAll(gw, a);
    }
  });
});

describe('health checks', () => {
  test('flapping health: not_ready after F failures (no traffic), ready again after S successes', async () => {
    const [a, b] = (await startEngines(2)) as [MockEngine, MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      a.url,
      b.url,
      '--health-check-interval-secs',
      '1',
      '--health-failure-threshold',
      '2',
      '--health-success-threshold',
      '1',
      '--health-check-timeout-secs',
      '1',
    ]);
    try {
      a.setFault({ healthy: false });
      await eventually(async () => (await worker(gw, a.url)).status === 'not_ready', 5000);
      const ready = (await (await fetch(`${gw.url}/readiness`)).json()) as {
        healthy_workers: number;
      };
      assert.equal(ready.healthy_workers, 1);
      const before = a.stats().inferenceRequests;
      for (let i = 0; i < 6; i++) assert.equal((await gen(gw)).status, 200);
      assert.equal(a.stats().inferenceRequests, before, 'a not_ready worker takes no traffic');
      a.setFault({ healthy: true });
      await eventually(async () => (await worker(gw, a.url)).status === 'ready', 5000);
    } finally {
      await closeAll(gw, a, b);
    }
  });

  test('--remove-unhealthy-workers removes a worker that reaches failed', async () => {
    const [a] = (await startEngines(1)) as [MockEngine];
    const gw = await startTestGateway([
      '--worker-urls',
      a.url,
      '--health-check-interval-secs',
      '1',
      '--health-failure-threshold',
      '1',
      '--remove-unhealthy-workers',
      '--drain-settle-secs',
      '0',
      '--health-check-timeout-secs',
      '1',
    ]);
    try {
      a.setFault({ healthy: false });
      await eventually(async () => {
        const list = (await (await fetch(`${gw.url}/workers`)).json()) as { total: number };
        return list.total === 0;
      }, 8000);
    } finally {
      await closeAll(gw, a);
    }
  });
});
