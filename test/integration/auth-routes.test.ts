import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngines, startTestGateway, closeAll, type TestGateway } from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

async function hit(
  gw: TestGateway,
  method: string,
  path: string,
  token?: string,
  scheme = 'Bearer',
): Promise<{ status: number; body: string; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `${scheme} ${token}`;
  const r = await fetch(gw.url + path, {
    method,
    headers,
    ...(method === 'POST' ? { body: JSON.stringify({ text: 'x' }) } : {}),
  });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

describe('auth per route group: shared + tenant keys', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway([
      '--worker-urls',
      engines[0]!.url,
      '--api-key',
      'shared-secret',
      '--tenant-api-key',
      'team-red:team-red-secret',
    ]);
  });
  after(() => closeAll(gw, engines));

  test('public routes need nothing', async () => {
    for (const p of ['/health', '/liveness', '/readiness', '/v1/models'])
      assert.equal((await hit(gw, 'GET', p)).status, 200, p);
  });

  test('data plane: shared and tenant keys pass; missing/wrong/lower-case scheme → 401 empty', async () => {
    assert.equal((await hit(gw, 'POST', '/generate', 'shared-secret')).status, 200);
    assert.equal((await hit(gw, 'POST', '/generate', 'team-red-secret')).status, 200);
    for (const [tok, scheme] of [
      [undefined, 'Bearer'],
      ['wrong', 'Bearer'],
      ['shared-secret', 'bearer'],
    ] as const) {
      const r = await hit(gw, 'POST', '/generate', tok, scheme);
      assert.equal(r.status, 401);
      assert.equal(r.body, '');
      assert.equal(r.headers.get('www-authenticate'), null);
    }
  });

  test('admin/workers routes: only the shared key (tenant key → 401)', async () => {
    assert.equal((await hit(gw, 'GET', '/workers', 'shared-secret')).status, 200);
    assert.equal((await hit(gw, 'GET', '/workers', 'team-red-secret')).status, 401);
    assert.equal((await hit(gw, 'GET', '/get_loads')).status, 401);
  });

  test('engines from --worker-urls are called with the gateway key', async () => {
    await hit(gw, 'POST', '/generate', 'team-red-secret');
    const seen = engines[0]!.requests.filter((q) => q.path === '/generate');
    assert.ok(seen.length > 0);
    assert.equal(seen[seen.length - 1]?.headers['authorization'], 'Bearer shared-secret');
  });
});

describe('auth: tenant keys only → admin routes denied outright', () => {
  test('valid tenant key serves data plane, never the workers API', async () => {
    const [engine] = (await startEngines(1)) as [MockEngine];
    const gw = await startTestGateway(['--worker-urls', engine.url, '--tenant-api-key', 'a:key-a']);
    try {
      assert.equal((await hit(gw, 'POST', '/generate', 'key-a')).status, 200);
      assert.equal((await hit(gw, 'GET', '/workers', 'key-a')).status, 401);
      assert.equal((await hit(gw, 'GET', '/workers')).status, 401);
    } finally {
      await closeAll(gw, engine);
    }
  });
});

describe('auth: control-plane API keys', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([
      '--api-key',
      'shared-secret',
      '--control-plane-api-keys',
      'ops:Ops Team:admin:admin-secret',
      'viewer:Viewer:user:user-secret',
    ]);
  });
  after(() => closeAll(gw));

  test('admin key passes; user role → 403 text; shared key no longer accepted; WWW-Authenticate on 401', async () => {
    assert.equal((await hit(gw, 'GET', '/workers', 'admin-secret')).status, 200);
    const user = await hit(gw, 'GET', '/workers', 'user-secret');
    assert.equal(user.status, 403);
    assert.equal(user.body, 'Admin role required for control plane access');
    const shared = await hit(gw, 'GET', '/workers', 'shared-secret');
    assert.equal(shared.status, 401);
    assert.equal(shared.body, 'Invalid authentication token');
    assert.equal(shared.headers.get('www-authenticate'), 'Bearer realm="control-plane"');
    const none = await hit(gw, 'GET', '/workers');
    assert.equal(none.status, 401);
    assert.equal(none.body, 'Missing or invalid Authorization header');
    const jwtish = await hit(gw, 'GET', '/workers', 'a.b.c');
    assert.equal(jwtish.status, 401);
  });
});
