import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsForProcess, type ProcessMetrics } from '../../../src/metrics';
import { LOOP_DELAY_HISTOGRAM_SERIES } from '../../../src/metrics/process-metrics';
import { isMetricsMessage } from '../../../src/metrics/cluster-messages';
import { sampleValue } from './exposition';
import { FakeCluster, drain, type FakeWorker } from './fake-cluster';

const W1 = { worker: 'http://w1:8000' };
const CHAT = { method: 'POST', path: '/v1/chat/completions' };

function ingress(w: FakeWorker): ProcessMetrics {
  return createMetricsForProcess('ingress', { channel: w.channel });
}

function requests(p: ProcessMetrics, n: number): void {
  for (let i = 0; i < n; i++) p.metrics.httpRequest('POST', CHAT.path, 200, undefined, 0.01);
}

function tagsSent(w: FakeWorker): string[] {
  return w.received.filter(isMetricsMessage).map((m) => m.tag);
}

test('primary sums events over itself and the ingress processes; owned gauges are not summed', async () => {
  const cluster = new FakeCluster();
  const [a, b] = [cluster.fork(), cluster.fork()];
  const ia = ingress(a);
  const ib = ingress(b);
  await drain(); // their hellos reach no listener: lost
  // The roll-call of a collector created after the forks brings them back.
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 2000 });
  await drain();

  requests(ia, 2);
  requests(ib, 3);
  ia.metrics.connectionsActive(3);
  ib.metrics.connectionsActive(1);
  ia.metrics.workerRequestsActive(W1.worker, 2);
  ib.metrics.workerRequestsActive(W1.worker, 5);
  for (const p of [ia, ib]) {
    p.metrics.workerHealth(W1.worker, false); // stale mirrors
    p.metrics.cbState(W1.worker, 'half_open');
  }
  ib.metrics.cbConsecutive(W1.worker, 4, 0); // only an ingress reports it
  primary.metrics.workerHealth(W1.worker, true);
  primary.metrics.cbState(W1.worker, 'open');
  primary.metrics.healthCheck('success');
  primary.metrics.workerPoolSize('llama', 2);

  const { contentType, body } = await primary.collect();
  assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 5);
  assert.equal(sampleValue(body, 'smg_http_request_duration_seconds_count', CHAT), 5);
  const bucket = { ...CHAT, le: '0.01' };
  assert.equal(sampleValue(body, 'smg_http_request_duration_seconds_bucket', bucket), 5);
  assert.equal(sampleValue(body, 'smg_http_connections_active'), 4);
  assert.equal(sampleValue(body, 'smg_worker_requests_active', W1), 7);
  assert.equal(sampleValue(body, 'smg_worker_health', W1), 1);
  assert.equal(sampleValue(body, 'smg_worker_cb_state', W1), 1);
  assert.equal(sampleValue(body, 'smg_worker_cb_consecutive_failures', W1), 4);
  const hc = { worker_type: 'regular', result: 'success' };
  assert.equal(sampleValue(body, 'smg_worker_health_checks_total', hc), 1);
  const pool = { worker_type: 'regular', connection_mode: 'http', model: 'llama' };
  assert.equal(sampleValue(body, 'smg_worker_pool_size', pool), 2);
  assert.equal(body.match(/^# HELP smg_http_requests_total /gm)?.length, 1);
  assert.deepEqual(tagsSent(a), ['collie:metrics-roll-call', 'collie:metrics-req']);
  for (const p of [primary, ia, ib]) p.close();
});

test('without ingress processes the primary serves its own registry', async () => {
  const cluster = new FakeCluster();
  const primary = createMetricsForProcess('primary', { cluster });
  primary.metrics.cbState(W1.worker, 'half_open');
  const { body } = await primary.collect();
  assert.equal(sampleValue(body, 'smg_worker_cb_state', W1), 2);
  primary.close();
});

test('a process that has not said hello is not asked, so it cannot stall a scrape', async () => {
  const cluster = new FakeCluster();
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 100 });
  const silent = cluster.fork(); // forked, reporter not installed yet
  const ready = cluster.fork();
  const ir = ingress(ready);
  await drain();
  requests(ir, 1);
  const { body } = await primary.collect();
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 1);
  assert.deepEqual(tagsSent(silent), []);
  assert.deepEqual(tagsSent(ready), ['collie:metrics-req']);
  for (const p of [primary, ir]) p.close();
});

test('a process that exits mid-scrape is left out; the scrape still completes', async () => {
  const cluster = new FakeCluster();
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 5000 });
  const [gone, kept] = [cluster.fork(), cluster.fork()];
  gone.channel.send({ tag: 'collie:metrics-hello' }); // announces, then never answers
  const ik = ingress(kept);
  await drain();
  requests(ik, 2);
  const scrape = primary.collect();
  await drain();
  gone.exit();
  const { body } = await scrape;
  assert.equal(sampleValue(body, 'smg_http_requests_total', CHAT), 2);
  for (const p of [primary, ik]) p.close();
});

test('a silent or failing process fails the scrape instead of under-counting', async () => {
  const cluster = new FakeCluster();
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 50 });
  const [mute, bad] = [cluster.fork(), cluster.fork()];
  mute.channel.send({ tag: 'collie:metrics-hello' });
  await drain();
  await assert.rejects(primary.collect(), /ingress 1 sent no metrics within 50 ms/);

  mute.exit();
  bad.channel.on('message', (m) => {
    if (isMetricsMessage(m) && m.tag === 'collie:metrics-req') {
      bad.channel.send({ tag: 'collie:metrics-err', id: m.id, message: 'boom' });
    }
  });
  bad.channel.send({ tag: 'collie:metrics-hello' });
  await drain();
  await assert.rejects(primary.collect(), /ingress 2 failed to collect: boom/);
  primary.close();
});

test('close() fails pending scrapes and detaches every listener', async () => {
  const cluster = new FakeCluster();
  const primary = createMetricsForProcess('primary', { cluster, scrapeTimeoutMs: 5000 });
  const w = cluster.fork();
  w.channel.send({ tag: 'collie:metrics-hello' });
  await drain();
  const scrape = primary.collect();
  primary.close();
  await assert.rejects(scrape, /collector closed/);
  for (const e of ['message', 'exit', 'disconnect']) assert.equal(cluster.listenerCount(e), 0);
});

test('IPC messages are checked before use', () => {
  assert.ok(isMetricsMessage({ tag: 'collie:metrics-req', id: 1 }));
  assert.ok(isMetricsMessage({ tag: 'collie:metrics-res', id: 1, metrics: [] }));
  assert.ok(!isMetricsMessage({ tag: 'collie:metrics-req' }));
  assert.ok(!isMetricsMessage({ tag: 'collie:metrics-res', id: 1, metrics: [{ name: 'x' }] }));
  assert.ok(!isMetricsMessage({ tag: 'collie:state', msg: {} }));
  assert.ok(!isMetricsMessage(null));
  assert.ok(!isMetricsMessage('collie:metrics-hello'));
});

test('ingress mode needs an IPC channel to the primary; single mode needs nothing', () => {
  assert.throws(() => createMetricsForProcess('ingress'), /IPC channel to the primary/);
  const single = createMetricsForProcess('single');
  single.metrics.rateLimit('allowed');
  single.close();
});

test('the event-loop delay histogram is the serving processes’: the primary exports none of its own', async () => {
  const cluster = new FakeCluster();
  const alone = createMetricsForProcess('primary', { cluster });
  const own = (await alone.collect()).body;
  for (const name of LOOP_DELAY_HISTOGRAM_SERIES) assert.equal(sampleValue(own, name), undefined);
  // the setImmediate lag at scrape time is still every process's
  assert.ok((sampleValue(own, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0);
  alone.close();

  const single = createMetricsForProcess('single');
  const mine = (await single.collect()).body;
  for (const name of LOOP_DELAY_HISTOGRAM_SERIES)
    assert.notEqual(sampleValue(mine, name), undefined);
  single.close();

  // in a cluster the merged series are the ingress processes'
  const withIngress = new FakeCluster();
  const ia = ingress(withIngress.fork());
  const primary = createMetricsForProcess('primary', {
    cluster: withIngress,
    scrapeTimeoutMs: 2000,
  });
  await drain();
  const merged = (await primary.collect()).body;
  for (const name of LOOP_DELAY_HISTOGRAM_SERIES) {
    assert.equal(merged.match(new RegExp(`^${name} `, 'gm'))?.length, 1, name);
  }
  for (const p of [primary, ia]) p.close();
});
