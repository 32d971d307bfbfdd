import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

/** Sum of the samples of `name` whose label set contains every given label. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('Prometheus metrics with SMG names', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(1, { tokens: 3 });
    gw = await startTestGateway(['--worker-urls', engines[0]!.url]);
  });
  after(() => closeAll(gw, engines));

  test('request counts and durations by route and status, router counters, TTFT for streams', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (
          await postJson(`${gw.url}/v1/chat/completions`, {
            model: 'mock-model',
            messages: [{ role: 'user', content: 'x' }],
          })
        ).status,
        200,
      );
    }
    const s = await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'mock-model',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    await s.text();
    assert.equal(
      (
        await postJson(`${gw.url}/v1/chat/completions`, {
          model: 'nope',
          messages: [{ role: 'user', content: 'x' }],
        })
      ).status,
      404,
    );
    assert.equal((await fetch(`${gw.url}/nowhere`)).status, 404);
    const r = await fetch(`${gw.metricsUrl}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    const text = await r.text();
    assert.equal(
      sample(text, 'smg_http_requests_total', { method: 'POST', path: '/v1/chat/completions' }),
      5,
    );
    assert.equal(
      sample(text, 'smg_http_responses_total', {
        path: '/v1/chat/completions',
        status_code: '200',
      }),
      4,
    );
    assert.equal(
      sample(text, 'smg_http_responses_total', {
        path: '/v1/chat/completions',
        status_code: '404',
        error_code: 'model_not_found',
      }),
      1,
    );
    assert.equal(
      sample(text, 'smg_http_responses_total', { path: 'other', status_code: '404' }),
      1,
    );
    assert.equal(
      sample(text, 'smg_http_request_duration_seconds_count', { path: '/v1/chat/completions' }),
      5,
    );
    assert.equal(
      sample(text, 'smg_router_requests_total', {
        model: 'mock-model',
        endpoint: 'chat',
        streaming: 'true',
      }),
      1,
    );
    assert.equal(
      sample(text, 'smg_router_ttft_seconds_count', { model: 'mock-model', endpoint: 'chat' }),
      1,
    );
    assert.equal(sample(text, 'smg_router_upstream_responses_total', { status_code: '200' }), 4);
    assert.equal(sample(text, 'smg_worker_requests_active', { worker: engines[0]!.url }), 0);
  });
});
