import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngines, startTestGateway, closeAll, type TestGateway } from '../helpers/gateway';
import { freePort } from '../helpers/processes';
import type { MockEngine } from '../../src/mock-engine';

describe('CORS', () => {
  let engines: MockEngine[];
  let open: TestGateway;
  let strict: TestGateway;

  before(async () => {
    engines = await startEngines(1);
    open = await startTestGateway(['--worker-urls', engines[0]!.url]);
    strict = await startTestGateway([
      '--worker-urls',
      engines[0]!.url,
      '--cors-allowed-origins',
      'https://app.example',
    ]);
  });
  after(() => closeAll(open, strict, engines));

  test('default: any origin, any method/header on preflight, all headers exposed', async () => {
    const r = await fetch(`${open.url}/v1/models`, { headers: { origin: 'https://x.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('access-control-expose-headers'), '*');
    const p = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://x.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(p.status, 200);
    assert.equal(p.headers.get('access-control-allow-methods'), '*');
    assert.equal(p.headers.get('access-control-max-age'), '3600');
  });

  test('with a list: only listed origins; SMG methods (no PUT); x-request-id exposed', async () => {
    const ok = await fetch(`${strict.url}/v1/models`, {
      headers: { origin: 'https://app.example' },
    });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(ok.headers.get('access-control-expose-headers'), 'x-request-id');
    const no = await fetch(`${strict.url}/v1/models`, {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(no.headers.get('access-control-allow-origin'), null);
    const p = await fetch(`${strict.url}/workers`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(p.status, 200);
    assert.equal(p.headers.get('access-control-allow-methods'), 'GET,POST,PATCH,DELETE,OPTIONS');
    assert.equal(p.headers.get('access-control-allow-headers'), 'content-type,authorization');
    const denied = await fetch(`${strict.url}/workers`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(denied.status, 403);
  });
});

describe('--health-check-port', () => {
  test('probes answer on the separate listener with the same semantics', async () => {
    const [engine] = (await startEngines(1)) as [MockEngine];
    const probePort = await freePort();
    const gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--health-check-port',
      String(probePort),
    ]);
    try {
      const base = `http://127.0.0.1:${probePort}`;
      assert.equal(await (await fetch(`${base}/liveness`)).text(), 'OK');
      assert.equal((await fetch(`${base}/health`)).status, 200);
      const r = await fetch(`${base}/readiness`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ready', healthy_workers: 1, total_workers: 1 });
      assert.equal((await fetch(`${base}/generate`)).status, 404);
      assert.equal((await fetch(`${base}/readiness`, { method: 'POST' })).status, 405);
    } finally {
      await closeAll(gw, engine);
    }
  });
});
