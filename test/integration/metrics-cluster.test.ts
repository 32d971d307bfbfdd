import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import {
  createMetricsForProcess,
  startPrometheusServer,
  type ProcessMetrics,
  type PrometheusServer,
} from '../../src/metrics';
import { sampleValue } from '../unit/metrics/exposition';

// The test process is the cluster primary; fixtures/metrics-worker.js plays the ingress
// processes.
const W1 = { worker: 'http://w1:8000' };
const CHAT = { method: 'POST', path: '/v1/chat/completions' };
const ROUTED = {
  router_type: 'http',
  backend_type: 'regular',
  connection_mode: 'http',
  model: 'llama',
  endpoint: 'chat',
  streaming: 'true',
};

let primary: ProcessMetrics;
let server: PrometheusServer;
const workers: Worker[] = [];

function waitForTag(w: Worker, tag: string, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${w.id}: no ${tag}`)), ms);
    const onMessage = (m: unknown): void => {
      if ((m as { tag?: unknown } | null)?.tag !== tag) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      resolve();
    };
    w.on('message', onMessage);
    w.once('exit', () => reject(new Error(`worker ${w.id} exited before ${tag}`)));
  });
}

function exited(w: Worker, ms = 5000): Promise<void> {
  if (w.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => w.process.kill('SIGKILL'), ms);
    w.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
  });
}

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return res.text();
}

before(async () => {
  primary = createMetricsForProcess('primary', { scrapeTimeoutMs: 5000 });
  primary.metrics.workerHealth(W1.worker, true);
  primary.metrics.cbState(W1.worker, 'open');
  primary.metrics.healthCheck('success');
  cluster.setupPrimary({
    exec: path.join(__dirname, 'fixtures', 'metrics-worker.js'),
    execArgv: [],
    silent: false,
  });
  for (const n of [2, 5]) {
    const w = cluster.fork({ FIXTURE_REQUESTS: String(n) });
    workers.push(w);
    await waitForTag(w, 'fixture:ready');
  }
  server = await startPrometheusServer({
    host: '127.0.0.1',
    port: 0,
    collect: () => primary.collect(),
  });
});

after(async () => {
  await server?.close();
  primary?.close();
  await Promise.all(
    workers.map((w) => {
      const done = exited(w);
      if (w.isConnected()) w.disconnect();
      return done;
    }),
  );
});

test('the primary serves the sum over its ingress processes', { timeout: 15_000 }, async () => {
  const body = await scrape();
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 7);
  assert.equal(sampleValue(body, 'smg_http_request_duration_seconds_count', CHAT), 7);
  assert.equal(sampleValue(body, 'smg_router_requests_total', ROUTED), 7);
  assert.equal(sampleValue(body, 'smg_http_connections_active'), 7);
  assert.equal(sampleValue(body, 'smg_worker_requests_active', W1), 7);
  // Primary-owned per-worker facts: the primary's view, not the sum of the mirrors.
  assert.equal(sampleValue(body, 'smg_worker_health', W1), 1);
  assert.equal(sampleValue(body, 'smg_worker_cb_state', W1), 1);
  const hc = { worker_type: 'regular', result: 'success' };
  assert.equal(sampleValue(body, 'smg_worker_health_checks_total', hc), 1);
  assert.equal(body.match(/^# TYPE smg_worker_health gauge$/gm)?.length, 1);
});

test('every scrape sees the latest counts', { timeout: 15_000 }, async () => {
  const w = workers[0];
  assert.ok(w);
  const done = waitForTag(w, 'fixture:done');
  w.send({ tag: 'fixture:more', n: 10 });
  await done;
  const body = await scrape();
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 17);
});

test('an ingress process that dies drops out of the sum', { timeout: 15_000 }, async () => {
  const w = workers[0];
  assert.ok(w);
  const gone = exited(w);
  w.process.kill('SIGKILL');
  await gone;
  const started = Date.now();
  const body = await scrape();
  assert.ok(Date.now() - started < 2000, 'the scrape did not wait for the dead process');
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 5);
  assert.equal(sampleValue(body, 'smg_worker_health', W1), 1);
});
