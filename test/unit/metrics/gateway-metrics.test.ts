import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import {
  DEFAULT_DURATION_BUCKETS,
  createGatewayMetrics,
  type GatewayMetrics,
  type GatewayMetricsOptions,
} from '../../../src/metrics';
import { familyNames, sampleValue, seriesOf } from './exposition';

function setup(opts?: GatewayMetricsOptions): {
  m: GatewayMetrics;
  body: () => Promise<string>;
} {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, opts);
  return { m, body: () => registry.metrics() };
}

const ROUTER = { router_type: 'http', backend_type: 'regular', connection_mode: 'http' };
const INFERENCE = { router_type: 'http', backend_type: 'regular' };
const WORKER = { worker_type: 'regular' };
const chat = { model: 'llama', endpoint: 'chat' } as const;

test('httpRequest: requests, duration and responses keyed as SMG does', async () => {
  const { m, body } = setup();
  m.httpRequest('post', '/v1/chat/completions', 200, undefined, 0.02);
  m.httpRequest('POST', '/v1/chat/completions', 503, 'no_available_workers', 0.5);
  m.httpRequest('BREW', 'other', 404, undefined, 0.001);
  const b = await body();
  const chatPath = { method: 'POST', path: '/v1/chat/completions' };
  assert.equal(sampleValue(b, 'smg_http_requests_total', chatPath), 2);
  assert.equal(sampleValue(b, 'smg_http_requests_total', { method: 'OTHER', path: 'other' }), 1);
  assert.equal(sampleValue(b, 'smg_http_request_duration_seconds_count', chatPath), 2);
  assert.equal(sampleValue(b, 'smg_http_request_duration_seconds_sum', chatPath), 0.52);
  const le = (v: string) => ({ ...chatPath, le: v });
  assert.equal(sampleValue(b, 'smg_http_request_duration_seconds_bucket', le('0.025')), 1);
  assert.equal(sampleValue(b, 'smg_http_request_duration_seconds_bucket', le('0.5')), 2);
  assert.equal(sampleValue(b, 'smg_http_request_duration_seconds_bucket', le('+Inf')), 2);
  const resp = (status: string, code: string) => ({
    path: '/v1/chat/completions',
    status_code: status,
    error_code: code,
  });
  assert.equal(sampleValue(b, 'smg_http_responses_total', resp('200', '')), 1);
  assert.equal(sampleValue(b, 'smg_http_responses_total', resp('503', 'no_available_workers')), 1);
  assert.equal(
    sampleValue(b, 'smg_http_responses_total', {
      path: 'other',
      status_code: '404',
      error_code: '',
    }),
    1,
  );
});

test('connections, rate limit and admission queue', async () => {
  const { m, body } = setup();
  let b = await body();
  assert.equal(sampleValue(b, 'smg_http_connections_active'), 0);
  m.connectionsActive(1);
  m.connectionsActive(1);
  m.connectionsActive(-1);
  m.rateLimit('allowed');
  m.rateLimit('allowed');
  m.rateLimit('rejected');
  m.queueDepth(7);
  m.queueDepth(3);
  b = await body();
  assert.equal(sampleValue(b, 'smg_http_connections_active'), 1);
  assert.equal(sampleValue(b, 'smg_http_rate_limit_total', { result: 'allowed' }), 2);
  assert.equal(sampleValue(b, 'smg_http_rate_limit_total', { result: 'rejected' }), 1);
  assert.equal(sampleValue(b, 'smg_http_rate_limit_queue_depth'), 3);
});

test('router metrics carry the constant router_type/backend_type/connection_mode', async () => {
  const { m, body } = setup();
  m.routerRequest({ ...chat, streaming: true });
  m.routerRequest({ ...chat, streaming: false });
  m.routerRequest({ ...chat, streaming: true });
  m.routerDuration(chat, 1.5);
  m.routerError({ ...chat, errorType: 'no_workers' });
  m.upstreamResponse(200);
  m.upstreamResponse(500, 'internal_error');
  m.ttft({ model: 'llama', endpoint: 'generate' }, 0.2);
  m.generationDuration({ model: 'llama', endpoint: 'generate' }, 3);
  const b = await body();
  const key = { ...ROUTER, model: 'llama', endpoint: 'chat' };
  assert.equal(sampleValue(b, 'smg_router_requests_total', { ...key, streaming: 'true' }), 2);
  assert.equal(sampleValue(b, 'smg_router_requests_total', { ...key, streaming: 'false' }), 1);
  assert.equal(sampleValue(b, 'smg_router_request_duration_seconds_count', key), 1);
  assert.equal(sampleValue(b, 'smg_router_request_duration_seconds_sum', key), 1.5);
  assert.equal(
    sampleValue(b, 'smg_router_request_errors_total', { ...key, error_type: 'no_workers' }),
    1,
  );
  const up = (status_code: string, error_code: string) => ({
    router_type: 'http',
    status_code,
    error_code,
  });
  assert.equal(sampleValue(b, 'smg_router_upstream_responses_total', up('200', '')), 1);
  assert.equal(
    sampleValue(b, 'smg_router_upstream_responses_total', up('500', 'internal_error')),
    1,
  );
  const gen = { ...INFERENCE, model: 'llama', endpoint: 'generate' };
  assert.equal(sampleValue(b, 'smg_router_ttft_seconds_sum', gen), 0.2);
  assert.equal(sampleValue(b, 'smg_router_generation_duration_seconds_count', gen), 1);
});

test('worker pool, load, health, selection, errors and retries', async () => {
  const { m, body } = setup();
  m.workerPoolSize('llama', 3);
  m.workerPoolSize('llama', 2);
  m.workerRequestsActive('http://w1:8000', 4);
  m.workerHealth('http://w1:8000', true);
  m.workerHealth('http://w2:8000', false);
  m.healthCheck('success');
  m.healthCheck('success');
  m.healthCheck('failure');
  m.workerSelection({ model: 'llama', policy: 'round_robin' });
  m.workerError('connection_failed');
  m.retry('chat');
  m.retry('chat');
  m.retriesExhausted('generate');
  m.retryBackoff(2, 0.25);
  m.retryBackoff(0, 0.05);
  const b = await body();
  const pool = { ...WORKER, connection_mode: 'http', model: 'llama' };
  assert.equal(sampleValue(b, 'smg_worker_pool_size', pool), 2);
  assert.equal(sampleValue(b, 'smg_worker_requests_active', { worker: 'http://w1:8000' }), 4);
  assert.equal(sampleValue(b, 'smg_worker_health', { worker: 'http://w1:8000' }), 1);
  assert.equal(sampleValue(b, 'smg_worker_health', { worker: 'http://w2:8000' }), 0);
  assert.equal(
    sampleValue(b, 'smg_worker_health_checks_total', { ...WORKER, result: 'success' }),
    2,
  );
  assert.equal(
    sampleValue(b, 'smg_worker_health_checks_total', { ...WORKER, result: 'failure' }),
    1,
  );
  assert.equal(sampleValue(b, 'smg_worker_selection_total', { ...pool, policy: 'round_robin' }), 1);
  assert.equal(
    sampleValue(b, 'smg_worker_errors_total', {
      ...WORKER,
      connection_mode: 'http',
      error_type: 'connection_failed',
    }),
    1,
  );
  assert.equal(sampleValue(b, 'smg_worker_retries_total', { ...WORKER, endpoint: 'chat' }), 2);
  assert.equal(
    sampleValue(b, 'smg_worker_retries_exhausted_total', { ...WORKER, endpoint: 'generate' }),
    1,
  );
  assert.equal(sampleValue(b, 'smg_worker_retry_backoff_seconds_sum', { attempt: '2' }), 0.25);
  assert.equal(sampleValue(b, 'smg_worker_retry_backoff_seconds_count', { attempt: '1' }), 1);
});

test('circuit breaker: state 0/1/2, transitions, outcomes, consecutive counts', async () => {
  const { m, body } = setup();
  const w = { worker: 'http://w1:8000' };
  const states = [
    ['closed', 0],
    ['open', 1],
    ['half_open', 2],
  ] as const;
  for (const [state, value] of states) {
    m.cbState(w.worker, state);
    assert.equal(sampleValue(await body(), 'smg_worker_cb_state', w), value);
  }
  m.cbTransition(w.worker, 'closed', 'open');
  m.cbTransition(w.worker, 'open', 'half_open');
  m.cbTransition(w.worker, 'closed', 'open');
  m.cbOutcome(w.worker, 'failure');
  m.cbOutcome(w.worker, 'success');
  m.cbOutcome(w.worker, 'failure');
  m.cbConsecutive(w.worker, 2, 0);
  const b = await body();
  const tr = (from: string, to: string) => ({ ...w, from, to });
  assert.equal(sampleValue(b, 'smg_worker_cb_transitions_total', tr('closed', 'open')), 2);
  assert.equal(sampleValue(b, 'smg_worker_cb_transitions_total', tr('open', 'half_open')), 1);
  assert.equal(sampleValue(b, 'smg_worker_cb_outcomes_total', { ...w, outcome: 'failure' }), 2);
  assert.equal(sampleValue(b, 'smg_worker_cb_outcomes_total', { ...w, outcome: 'success' }), 1);
  assert.equal(sampleValue(b, 'smg_worker_cb_consecutive_failures', w), 2);
  assert.equal(sampleValue(b, 'smg_worker_cb_consecutive_successes', w), 0);
});

test('removeWorker drops every series of that worker and keeps the others', async () => {
  const { m, body } = setup();
  for (const worker of ['http://gone:1', 'http://kept:2']) {
    m.workerRequestsActive(worker, 1);
    m.workerHealth(worker, true);
    m.cbState(worker, 'open');
    m.cbTransition(worker, 'closed', 'open');
    m.cbTransition(worker, 'half_open', 'closed');
    m.cbOutcome(worker, 'success');
    m.cbOutcome(worker, 'failure');
    m.cbConsecutive(worker, 1, 0);
  }
  const before = await body();
  m.removeWorker('http://gone:1');
  m.removeWorker('http://never-seen:3');
  const after = await body();
  assert.ok(before.includes('http://gone:1'));
  assert.ok(!after.includes('http://gone:1'), after);
  for (const name of [
    'smg_worker_requests_active',
    'smg_worker_health',
    'smg_worker_cb_state',
    'smg_worker_cb_consecutive_failures',
    'smg_worker_cb_consecutive_successes',
  ]) {
    assert.deepEqual(
      seriesOf(after, name).map((s) => s.labels.worker),
      ['http://kept:2'],
      name,
    );
  }
  assert.equal(seriesOf(after, 'smg_worker_cb_transitions_total').length, 2);
  assert.equal(seriesOf(after, 'smg_worker_cb_outcomes_total').length, 2);
  assert.deepEqual(familyNames(after), familyNames(before));
});

test('histograms use the 29 default duration buckets, 1 ms to 7200 s', async () => {
  assert.equal(DEFAULT_DURATION_BUCKETS.length, 29);
  assert.equal(DEFAULT_DURATION_BUCKETS[0], 0.001);
  assert.equal(DEFAULT_DURATION_BUCKETS.at(-1), 7200);
  const { m, body } = setup();
  m.httpRequest('GET', '/health', 200, undefined, 0.001);
  m.retryBackoff(1, 0.1);
  const b = await body();
  const les = seriesOf(b, 'smg_http_request_duration_seconds_bucket').map((s) => s.labels.le);
  assert.deepEqual(les, [...DEFAULT_DURATION_BUCKETS.map(String), '+Inf']);
  assert.equal(seriesOf(b, 'smg_worker_retry_backoff_seconds_bucket').length, 30);
});

test('custom durationBuckets apply to every duration histogram; bad lists are refused', async () => {
  const { m, body } = setup({ durationBuckets: [0.1, 1, 10] });
  m.httpRequest('GET', '/health', 200, undefined, 0.5);
  m.ttft(chat, 2);
  const b = await body();
  const les = (name: string) => seriesOf(b, name).map((s) => s.labels.le);
  assert.deepEqual(les('smg_http_request_duration_seconds_bucket'), ['0.1', '1', '10', '+Inf']);
  assert.deepEqual(les('smg_router_ttft_seconds_bucket'), ['0.1', '1', '10', '+Inf']);
  for (const bad of [[], [1, 1], [2, 1], [1, Number.POSITIVE_INFINITY]]) {
    assert.throws(() => createGatewayMetrics(new Registry(), { durationBuckets: bad }), RangeError);
  }
});

test('a registry takes one set of families; SMG names, plus collie-only routing families', async () => {
  const registry = new Registry();
  createGatewayMetrics(registry);
  assert.throws(() => createGatewayMetrics(registry), /already been registered/);
  const names = familyNames(await registry.metrics());
  const smg = names.filter((n) => n.startsWith('smg_'));
  const collie = names.filter((n) => n.startsWith('collie_'));
  // + smg_router_tpot_seconds, smg_router_tokens_total, smg_worker_connections_active
  assert.equal(smg.length, 31); // 29 + the two smg_wasm_* families
  assert.deepEqual(collie.sort(), [
    'collie_cache_aware_decisions_total',
    'collie_http_pending_body_bytes',
    'collie_kv_events_blocks',
    'collie_kv_events_incidents_total',
    'collie_kv_events_lag_seconds',
    'collie_kv_events_live',
    'collie_routing_confirmed_cached_tokens_total',
    'collie_routing_predicted_cached_tokens_total',
    'collie_routing_reported_cached_tokens_total',
    'collie_worker_connection_waiting_requests',
  ]);
  assert.equal(smg.length + collie.length, names.length);
  assert.equal(new Set(names).size, names.length);
});
