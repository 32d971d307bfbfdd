import { after, before, describe, test } from 'node:test';
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
import { api, type ApiResponse } from '../helpers/tokenizer-api';

interface WorkerInfo {
  id: string;
  url: string;
  model_id?: string;
  status: string;
  priority: number;
  cost: number;
  labels?: Record<string, string>;
  job_status?: { status: string; message: string | null; job_type: string };
  api_key?: string;
}

function call(gw: TestGateway, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return api(gw.url, method, path, body);
}

async function waitReady(gw: TestGateway, id: string): Promise<WorkerInfo> {
  let info: WorkerInfo | undefined;
  await eventually(async () => {
    const r = await call(gw, 'GET', `/workers/${id}`);
    info = r.json as WorkerInfo;
    return r.status === 200 && info.status === 'ready' && info.job_status === undefined;
  }, 5000);
  return info as WorkerInfo;
}

describe('workers API', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(3);
    gw = await startTestGateway([]);
  });
  after(() => closeAll(gw, engines));

  test('POST → 202 + Location with a UUIDv7; the worker becomes routable; GET lists it', async () => {
    const r = await call(gw, 'POST', '/workers', {
      url: engines[0]!.url,
      api_key: 'sk-engine',
      priority: 7,
    });
    assert.equal(r.status, 202);
    const body = r.json as { status: string; worker_id: string; location: string; url: string };
    assert.equal(body.status, 'accepted');
    assert.match(
      body.worker_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(r.headers.get('location'), `/workers/${body.worker_id}`);
    const info = await waitReady(gw, body.worker_id);
    assert.equal(info.url, engines[0]!.url);
    assert.equal(info.model_id, 'mock-model');
    assert.equal(info.priority, 7);
    assert.equal(info.api_key, undefined, 'api_key is never serialised');
    const gen = await postJson(`${gw.url}/generate`, { text: 'hello' });
    assert.equal(gen.status, 200);
    const seen = engines[0]!.requests.find((q) => q.path === '/generate');
    assert.equal(
      seen?.headers['authorization'],
      'Bearer sk-engine',
      'the worker key goes upstream',
    );
    const list = await call(gw, 'GET', '/workers');
    const l = list.json as {
      total: number;
      workers: WorkerInfo[];
      stats: { regular_count: number };
    };
    assert.equal(l.total, 1);
    assert.equal(l.stats.regular_count, 1);
    assert.equal(
      (await call(gw, 'GET', '/workers?model=other')).json &&
        ((await call(gw, 'GET', '/workers?model=other')).json as { total: number }).total,
      0,
    );
  });

  test('duplicate POST → 409 WORKER_ALREADY_EXISTS', async () => {
    const r = await call(gw, 'POST', '/workers', { url: engines[0]!.url });
    assert.equal(r.status, 409);
    assert.equal((r.json as { code: string }).code, 'WORKER_ALREADY_EXISTS');
    assert.match((r.json as { error: string }).error, /Use PUT \/workers\//);
  });

  test('PATCH updates priority/cost/labels; PUT needs the same URL', async () => {
    const id = ((await call(gw, 'GET', '/workers')).json as { workers: WorkerInfo[] }).workers[0]!
      .id;
    const p = await call(gw, 'PATCH', `/workers/${id}`, {
      priority: 100,
      cost: 2.5,
      labels: { env: 'test' },
    });
    assert.equal(p.status, 202);
    const info = (await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo;
    assert.equal(info.priority, 100);
    assert.equal(info.cost, 2.5);
    assert.deepEqual(info.labels, { env: 'test' });
    const bad = await call(gw, 'PUT', `/workers/${id}`, { url: engines[1]!.url });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /^URL mismatch/);
    const ok = await call(gw, 'PUT', `/workers/${id}`, { url: engines[0]!.url, priority: 3 });
    assert.equal(ok.status, 202);
    await eventually(
      async () => ((await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo).priority === 3,
      3000,
    );
  });

  test('DELETE drains then removes; the id is then 404 and traffic has nowhere to go', async () => {
    const id = ((await call(gw, 'GET', '/workers')).json as { workers: WorkerInfo[] }).workers[0]!
      .id;
    const d = await call(gw, 'DELETE', `/workers/${id}`);
    assert.equal(d.status, 202);
    const during = (await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo;
    assert.equal(during.status, 'draining');
    const gen = await postJson(`${gw.url}/generate`, { text: 'x' });
    assert.equal(gen.status, 503, 'a draining worker takes no new traffic');
    await eventually(async () => (await call(gw, 'GET', `/workers/${id}`)).status === 404, 8000);
    assert.equal(
      (await call(gw, 'GET', `/workers/${id}`)).json &&
        ((await call(gw, 'GET', `/workers/${id}`)).json as { code: string }).code,
      'WORKER_NOT_FOUND',
    );
    assert.equal((await postJson(`${gw.url}/generate`, { text: 'x' })).status, 404);
  });

  test('a registration pointing at a dead URL ends in job_status failed, registry untouched', async () => {
    const dead = 'http://127.0.0.1:9';
    const r = await call(gw, 'POST', '/workers', { url: dead, max_connection_attempts: 2 });
    assert.equal(r.status, 202);
    const id = (r.json as { worker_id: string }).worker_id;
    const pending = (await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo;
    assert.equal(pending.status, 'pending');
    assert.ok(pending.job_status);
    await eventually(
      async () =>
        ((await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo).job_status?.status ===
        'failed',
      8000,
    );
    const failed = (await call(gw, 'GET', `/workers/${id}`)).json as WorkerInfo;
    assert.match(failed.job_status?.message ?? '', /Failed to connect/);
    assert.equal(((await call(gw, 'GET', '/workers')).json as { total: number }).total, 0);
  });

  test('concurrent POST and DELETE of the same URL leave a consistent registry', async () => {
    const url = engines[2]!.url;
    const posts = await Promise.all([
      call(gw, 'POST', '/workers', { url }),
      call(gw, 'POST', '/workers', { url }),
    ]);
    const codes = posts.map((p) => p.status).sort();
    assert.deepEqual(codes, [202, 409]);
    const id = (posts.find((p) => p.status === 202)!.json as { worker_id: string }).worker_id;
    const del = await call(gw, 'DELETE', `/workers/${id}`);
    assert.equal(del.status, 202);
    await new Promise((r) => setTimeout(r, 300));
    await eventually(
      async () => ((await call(gw, 'GET', '/workers')).json as { total: number }).total === 0,
      8000,
    );
    // the URL can be registered again afresh
    const again = await call(gw, 'POST', '/workers', { url });
    assert.equal(again.status, 202);
    await waitReady(gw, (again.json as { worker_id: string }).worker_id);
  });

  test('bad input: ids, URLs, wrong types, bad JSON', async () => {
    const a = await call(gw, 'GET', '/workers/not-a-uuid');
    assert.equal(a.status, 400);
    assert.equal((a.json as { code: string }).code, 'BAD_REQUEST');
    assert.match(
      (a.json as { error: string }).error,
      /^Invalid worker_id 'not-a-uuid' \(expected UUID\)/,
    );
    const b = await call(gw, 'POST', '/workers', { url: 'ftp://x' });
    assert.equal(b.status, 400);
    assert.match(
      (b.json as { error: string }).error,
      /^Invalid value for field 'worker_url': ftp:\/\/x - /,
    );
    const c = await call(gw, 'POST', '/workers', { url: engines[1]!.url, priority: 'high' });
    assert.equal(c.status, 422);
    const d = await call(gw, 'POST', '/workers', { url: 42 });
    assert.equal(d.status, 422);
    const e = await call(gw, 'POST', '/workers', '{not json');
    assert.equal(e.status, 400);
    assert.match(e.text, /^Failed to parse the request body as JSON/);
    const f = await call(gw, 'GET', '/workers/0190f5e0-0000-7000-8000-000000000000');
    assert.equal(f.status, 404);
    assert.equal((f.json as { code: string }).code, 'WORKER_NOT_FOUND');
    const g = await call(gw, 'PATCH', '/workers/0190f5e0-0000-7000-8000-000000000000', {
      priority: -1,
    });
    assert.equal(g.status, 422);
  });
});
