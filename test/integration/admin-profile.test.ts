/** POST /start_profile and /stop_profile: SMG's fan-out, bodies and statuses (§5.7). */
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

function post(url: string, body?: string, contentType?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    ...(contentType !== undefined ? { headers: { 'content-type': contentType } } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

describe('/start_profile and /stop_profile', () => {
  let a: MockEngine;
  let b: MockEngine;
  let gw: TestGateway;

  before(async () => {
    [a, b] = (await startEngines(2)) as [MockEngine, MockEngine];
    gw = await startTestGateway(['--worker-urls', a.url, b.url]);
  });
  after(() => closeAll(gw, a, b));

  const calls = (e: MockEngine, path: string) => e.requests.filter((r) => r.path === path);

  test('start: every engine gets the profile options (unknown fields dropped), 200 success', async () => {
    const r = await postJson(`${gw.url}/start_profile`, {
      num_steps: 5,
      output_dir: '/tmp/trace',
      activities: ['CPU', 'GPU'],
      with_stack: null,
      extra: true,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), {
      status: 'success',
      message: 'Successfully started profiling on all 2 workers',
      workers_profiled: 2,
      total_workers: 2,
    });
    for (const e of [a, b]) {
      const got = calls(e, '/start_profile');
      assert.equal(got.length, 1);
      assert.deepEqual(got[0]?.body, {
        output_dir: '/tmp/trace',
        num_steps: 5,
        activities: ['CPU', 'GPU'],
        profile_by_stage: false,
      });
    }
  });

  test('stop: no body → every engine, POST without a body', async () => {
    const r = await post(`${gw.url}/stop_profile`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), {
      status: 'success',
      message: 'Successfully stopped profiling on all 2 workers',
      workers_profiled: 2,
      total_workers: 2,
    });
    for (const e of [a, b]) {
      const got = calls(e, '/stop_profile');
      assert.equal(got.length, 1);
      assert.equal(got[0]?.body, null);
      assert.equal(got[0]?.headers['content-type'], undefined);
    }
  });

  test('a failing engine: 206 partial_success with SMG’s failure text', async () => {
    b.setFault({ status: 500 });
    try {
      for (const [path, noun] of [
        ['/start_profile', 'start'],
        ['/stop_profile', 'stop'],
      ] as const) {
        const r = await post(`${gw.url}${path}`);
        assert.equal(r.status, 206);
        assert.deepEqual(await r.json(), {
          status: 'partial_success',
          message: `Profile ${noun}: 1 succeeded, 1 failed`,
          workers_profiled: 1,
          total_workers: 2,
          successful: [a.url],
          failed: [
            {
              worker: b.url,
              error: `${noun}_profile failed for worker ${b.url}: HTTP 500 Internal Server Error`,
            },
          ],
        });
      }
    } finally {
      b.setFault({ status: null });
    }
  });

  test('url picks one worker; an unknown url is 404 error', async () => {
    const before = calls(b, '/start_profile').length;
    const one = await postJson(`${gw.url}/start_profile`, { url: a.url });
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { total_workers: number }).total_workers, 1);
    assert.equal(calls(b, '/start_profile').length, before);
    for (const path of ['/start_profile', '/stop_profile']) {
      const r = await postJson(`${gw.url}${path}`, { url: 'http://nonexistent:9999' });
      assert.equal(r.status, 404);
      assert.deepEqual(await r.json(), {
        status: 'error',
        message: "No worker matching url 'http://nonexistent:9999'",
        workers_profiled: 0,
        total_workers: 0,
      });
    }
  });

  test('bodies as axum’s optional JSON: 400 syntax, 415 content type, 422 shape', async () => {
    const bad = await post(`${gw.url}/start_profile`, '{"num_steps":', 'application/json');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /^Failed to parse the request body as JSON: /);
    const empty = await post(`${gw.url}/stop_profile`, '', 'application/json');
    assert.equal(empty.status, 400);
    const text = await post(`${gw.url}/start_profile`, '{}', 'text/plain');
    assert.equal(text.status, 415);
    const shape = await postJson(`${gw.url}/start_profile`, { num_steps: 'x' });
    assert.equal(shape.status, 422);
    assert.equal(
      await shape.text(),
      'Failed to deserialize the JSON body into the target type: invalid type: string "x", expected i32',
    );
  });
});

test('/start_profile with no workers: 404 error', async () => {
  const gw = await startTestGateway([]);
  try {
    const r = await fetch(`${gw.url}/start_profile`, { method: 'POST' });
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), {
      status: 'error',
      message: 'No workers available for profiling',
      workers_profiled: 0,
      total_workers: 0,
    });
  } finally {
    await gw.close();
  }
});
