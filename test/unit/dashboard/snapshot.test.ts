import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsForProcess, type ProcessMetrics } from '../../../src/metrics';
import { readSample, quantile, bucketIncrease, SEP } from '../../../src/dashboard/sample';
import { buildSnapshot, type ViewInput } from '../../../src/dashboard/view';
import type { Worker } from '../../../src/core/worker';
import { FakeCluster, drain } from '../metrics/fake-cluster';
import { sampleValue } from '../metrics/exposition';

const W1 = 'http://w1:8000';
const W2 = 'http://w2:8000';
const KEY = { model: 'llama', endpoint: 'chat' } as const;

function worker(id: string, url: string, over: Partial<Worker> = {}): Worker {
  return {
    id,
    url,
    modelId: 'llama',
    labels: {},
    runtimeType: 'sglang',
    priority: 50,
    cost: 1,
    status: 'ready',
    circuit: 'closed',
    health: {},
    maxConnectionAttempts: 20,
    revision: 1,
    ...over,
  };
}

/** A primary and two ingress processes over a fake IPC channel, like a `--workers 2` instance. */
async function instance(): Promise<{
  primary: ProcessMetrics;
  a: ProcessMetrics;
  b: ProcessMetrics;
}> {
  const cluster = new FakeCluster();
  const [wa, wb] = [cluster.fork(), cluster.fork()];
  const a = createMetricsForProcess('ingress', { channel: wa.channel });
  const b = createMetricsForProcess('ingress', { channel: wb.channel });
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 2000 });
  await drain();
  return { primary, a, b };
}

function traffic(p: ProcessMetrics, n: number, reason: string, ttftSeconds: number): void {
  const s = p.metrics.routeSeries(KEY, 'cache_aware');
  for (let i = 0; i < n; i++) {
    s.request(true);
    s.selected(reason);
    s.ttft(ttftSeconds);
    s.tokens(100, 10);
  }
}

function input(over: Partial<ViewInput> & Pick<ViewInput, 'cur'>): ViewInput {
  return {
    prev: undefined,
    start: undefined,
    instance: { version: '0', policy: 'cache_aware', ingress_processes: 2 },
    workers: [worker('a', W1), worker('b', W2)],
    jobs: [],
    loads: new Map(),
    tokenizers: [],
    wasm: undefined,
    cluster: null,
    ...over,
  };
}

test('the ingress processes’ contributions add up as /metrics adds them', async () => {
  const { primary, a, b } = await instance();
  traffic(a, 3, 'hit', 0.05);
  traffic(b, 2, 'miss', 0.2);
  a.metrics.sampleRequestsActive(() => [[W1, 2] as const]);
  b.metrics.sampleRequestsActive(() => [[W1, 3] as const, [W2, 1] as const]);
  a.metrics.routingPrecision('llama', 64, 32);
  b.metrics.routingPrecision('llama', 16, 48);
  // circuit-breaker outcomes are counted in the primary (its own registry is merged first)
  for (let i = 0; i < 4; i++) primary.metrics.cbOutcome(W1, 'success');
  primary.metrics.cbOutcome(W1, 'failure');
  primary.metrics.cbOutcome(W2, 'success');

  const cur = readSample(await primary.collectJson(), 10_000);
  const text = (await primary.collect()).body;
  assert.equal(cur.requests.get('llama'), 5);
  assert.equal(cur.decisions.get(`llama${SEP}hit`), 3);
  assert.equal(cur.decisions.get(`llama${SEP}miss`), 2);
  assert.equal(
    cur.inFlight.get(W1),
    sampleValue(text, 'smg_worker_requests_active', { worker: W1 }),
  );
  assert.equal(cur.inFlight.get(W1), 5);

  const s = buildSnapshot(input({ cur }));
  assert.equal(s.totals.requests_total, 5);
  assert.equal(s.totals.in_flight, 6);
  assert.equal(s.totals.requests_per_s, null, 'no rate without an earlier sample');
  const [w1, w2] = s.fleet.workers;
  assert.deepEqual(
    [w1?.in_flight, w1?.requests_total, w1?.failures_total, w1?.error_rate],
    [5, 5, 1, 0.2],
  );
  assert.equal(w2?.requests_total, 1);
  assert.equal(
    w1?.requests_total,
    (sampleValue(text, 'smg_worker_cb_outcomes_total', { worker: W1, outcome: 'success' }) ?? 0) +
      (sampleValue(text, 'smg_worker_cb_outcomes_total', { worker: W1, outcome: 'failure' }) ?? 0),
  );
  assert.deepEqual(s.routing.by_reason, {
    hit: { total: 3, per_s: null },
    miss: { total: 2, per_s: null },
  });
  assert.deepEqual(s.routing.hit_ratio, { predicted: 0.16, reported: 0.16, precision: 0.6 });
  // 3 first tokens in the 0.05 bucket, 2 in the 0.25 one (default buckets)
  assert.equal(s.routing.ttft_count, 5);
  assert.ok((s.routing.ttft_p50_ms ?? 0) > 0 && (s.routing.ttft_p50_ms ?? 0) <= 50);
  assert.ok((s.routing.ttft_p99_ms ?? 0) > 100 && (s.routing.ttft_p99_ms ?? 0) <= 250);
  for (const p of [primary, a, b]) p.close();
});

test('rates are counter increases over the time between two samples; windows start at the oldest', async () => {
  const { primary, a, b } = await instance();
  traffic(a, 10, 'hit', 0.01);
  const first = readSample(await primary.collectJson(), 0);
  traffic(a, 20, 'hit', 1);
  traffic(b, 10, 'miss', 1);
  primary.metrics.cbOutcome(W2, 'failure');
  const second = readSample(await primary.collectJson(), 2000);
  traffic(b, 4, 'miss', 1);
  const third = readSample(await primary.collectJson(), 4000);

  const s = buildSnapshot(input({ cur: third, prev: second, start: first }));
  assert.equal(s.interval_s, 2);
  assert.equal(s.window_s, 4);
  assert.equal(s.totals.requests_total, 44);
  assert.equal(s.totals.requests_per_s, 2, '4 requests in 2 s');
  assert.deepEqual(s.routing.by_reason['miss'], { total: 14, per_s: 2 });
  assert.deepEqual(s.routing.by_reason['hit'], { total: 30, per_s: 0 });
  // the window holds the 34 first tokens of 1 s, not the 10 fast ones before it
  assert.equal(s.routing.ttft_count, 34);
  assert.ok((s.routing.ttft_p50_ms ?? 0) > 500);
  const mid = buildSnapshot(input({ cur: second, prev: first, start: first }));
  assert.equal(mid.totals.requests_per_s, 15, '30 requests in 2 s');
  assert.equal(mid.fleet.workers[1]?.error_rate, 1);
  assert.equal(mid.fleet.workers[1]?.requests_per_s, 0.5);
  for (const p of [primary, a, b]) p.close();
});

test('a counter that went down was reset: its increase is its new value', async () => {
  const { primary, a, b } = await instance();
  traffic(a, 5, 'hit', 0.01);
  const before = readSample(await primary.collectJson(), 0);
  // ingress a is replaced: a fresh process starts from zero
  const cluster = new FakeCluster();
  const fresh = createMetricsForProcess('primary', { cluster });
  traffic(fresh, 2, 'hit', 0.01);
  const after = readSample(await fresh.collectJson(), 1000);
  const s = buildSnapshot(input({ cur: after, prev: before, start: before }));
  assert.equal(s.totals.requests_per_s, 2);
  assert.equal(s.routing.ttft_count, 2);
  for (const p of [primary, a, b, fresh]) p.close();
});

test('quantiles interpolate inside the bucket; the +Inf bucket answers its lower bound', () => {
  const b: Array<[number, number]> = [
    [0.1, 50],
    [0.2, 100],
    [Infinity, 100],
  ];
  assert.equal(quantile(b, 0.5), 0.1);
  assert.ok(Math.abs((quantile(b, 0.75) ?? 0) - 0.15) < 1e-9);
  assert.equal(
    quantile(
      [
        [1, 0],
        [Infinity, 0],
      ],
      0.5,
    ),
    undefined,
  );
  assert.equal(
    quantile(
      [
        [1, 1],
        [Infinity, 10],
      ],
      0.99,
    ),
    1,
  );
  const cur = new Map([
    [
      'm',
      new Map([
        [1, 5],
        [Infinity, 5],
      ]),
    ],
  ]);
  const prev = new Map([
    [
      'm',
      new Map([
        [1, 2],
        [Infinity, 2],
      ]),
    ],
  ]);
  assert.deepEqual(bucketIncrease(cur, prev), [
    [1, 3],
    [Infinity, 3],
  ]);
});

test('draining, failing and registering workers are visible with their job', () => {
  const cur = readSample([], 0);
  const s = buildSnapshot(
    input({
      cur,
      workers: [
        worker('a', W1, { status: 'draining' }),
        worker('b', W2, { circuit: 'open', status: 'not_ready' }),
      ],
      jobs: [
        {
          id: 'c',
          job_type: 'AddWorker',
          worker_url: 'http://w3:8000',
          status: 'processing',
          message: null,
          timestamp: 0,
        },
        {
          id: 'a',
          job_type: 'RemoveWorker',
          worker_url: W1,
          status: 'processing',
          message: null,
          timestamp: 0,
        },
      ],
      loads: new Map([['b', { load: 120, tokenUsage: 0.25, at: 0 }]]),
    }),
  );
  const rows = s.fleet.workers.map((w) => [w.id, w.status, w.circuit, w.job?.type ?? null]);
  assert.deepEqual(rows, [
    ['a', 'draining', 'closed', 'RemoveWorker'],
    ['b', 'not_ready', 'open', null],
    ['c', 'registering', null, 'AddWorker'],
  ]);
  assert.equal(s.fleet.counts.draining, 1);
  assert.equal(s.fleet.counts.registering, 1);
  assert.equal(s.fleet.open_circuits, 1);
  assert.deepEqual([s.fleet.workers[1]?.engine_load, s.fleet.workers[1]?.kv_usage], [120, 0.25]);
});
