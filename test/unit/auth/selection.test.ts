import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuth, type Auth, type AuthConfig, type AuthOutcome } from '../../../src/auth';
import { sharedKeyTenant } from '../../../src/auth/tenant';
import { silentLogger } from '../../../src/util/logger';
import { bearer, config, hdrs, header } from './helpers';

const PEER = '198.51.100.7';
const SHARED = 'shared-secret';
const TENANT = { tenant: 'team-red', key: 'team-red-secret' };
const ADMIN = { id: 'ops', name: 'Ops', role: 'admin' as const, key: 'cp-admin-key' };
const USER = { id: 'viewer', name: 'Viewer', role: 'user' as const, key: 'cp-user-key' };

function make(over: Partial<AuthConfig>): Promise<Auth> {
  return createAuth(config(over), { logger: silentLogger() });
}

/** The 401 of the data plane, shared-key and deny-all modes: empty, no challenge. */
function assertEmpty401(o: AuthOutcome): void {
  assert.equal(o.ok, false);
  if (o.ok) return;
  assert.equal(o.reply.status, 401);
  assert.equal(o.reply.body, '');
  assert.deepEqual(o.reply.headers, []);
}

function assertText(o: AuthOutcome, status: number, body: string, challenge: boolean): void {
  assert.equal(o.ok, false);
  if (o.ok) return;
  assert.equal(o.reply.status, status);
  assert.equal(o.reply.body, body);
  assert.equal(header(o.reply.headers, 'content-type'), 'text/plain; charset=utf-8');
  const www = header(o.reply.headers, 'www-authenticate');
  assert.equal(www, challenge ? 'Bearer realm="control-plane"' : undefined);
}

function assertTenant(o: AuthOutcome, tenant: string): void {
  assert.ok(o.ok, 'expected success');
  if (o.ok) assert.equal(o.tenant, tenant);
}

describe('rule 4: no keys configured', () => {
  test("the peer's address is read only when the tenant is asked for", async () => {
    const auth = await make({});
    let reads = 0;
    const peer = {
      get remoteAddress() {
        reads++;
        return PEER;
      },
    };
    const o = auth.dataPlane(hdrs(), peer);
    assert.equal(reads, 0, 'allowing the request needs no address');
    assertTenant(o, `ip:${PEER}`);
    assertTenant(o, `ip:${PEER}`);
    assert.equal(reads, 1);
  });

  test('everything is open; tenant is ip:<peer> or anonymous', async () => {
    const auth = await make({});
    assert.equal(auth.controlPlaneMode, 'open');
    assertTenant(auth.dataPlane(hdrs(), { remoteAddress: PEER }), `ip:${PEER}`);
    assertTenant(
      auth.dataPlane(hdrs({ 'x-api-key': 'whatever' }), { remoteAddress: PEER }),
      `ip:${PEER}`,
    );
    assertTenant(auth.dataPlane(bearer('anything'), { remoteAddress: '' }), 'anonymous');
    assertTenant(await auth.controlPlane(hdrs(), PEER), `ip:${PEER}`);
  });
});

describe('rule 2: shared key only', () => {
  test('data plane: only Bearer <shared>; 401 is empty with no challenge', async () => {
    const auth = await make({ apiKey: SHARED });
    assert.equal(auth.controlPlaneMode, 'shared_key');
    assertTenant(auth.dataPlane(bearer(SHARED), { remoteAddress: PEER }), sharedKeyTenant(SHARED));
    assertEmpty401(auth.dataPlane(hdrs(), { remoteAddress: PEER }));
    assertEmpty401(auth.dataPlane(bearer('wrong'), { remoteAddress: PEER }));
    assertEmpty401(
      auth.dataPlane(hdrs({ authorization: `bearer ${SHARED}` }), { remoteAddress: PEER }),
    );
    assertEmpty401(
      auth.dataPlane(hdrs({ authorization: `BEARER ${SHARED}` }), { remoteAddress: PEER }),
    );
    assertEmpty401(auth.dataPlane(hdrs({ 'x-api-key': SHARED }), { remoteAddress: PEER }));
  });

  test('admin: the same check, data-plane style 401', async () => {
    const auth = await make({ apiKey: SHARED });
    const ok = await auth.controlPlane(bearer(SHARED), PEER);
    assert.ok(ok.ok);
    if (ok.ok) {
      assert.deepEqual(ok.principal, {
        subject: 'shared-api-key',
        role: 'admin',
        via: 'shared_key',
      });
    }
    assertEmpty401(await auth.controlPlane(hdrs(), PEER));
    assertEmpty401(await auth.controlPlane(bearer('wrong'), PEER));
  });
});

describe('rule 2 with tenant keys', () => {
  test('tenant key passes the data plane but gets 401 on admin routes', async () => {
    const auth = await make({ apiKey: SHARED, tenantApiKeys: [TENANT] });
    assert.equal(auth.controlPlaneMode, 'shared_key');
    assertTenant(auth.dataPlane(bearer(TENANT.key), { remoteAddress: PEER }), 'auth:team-red');
    assertTenant(auth.dataPlane(bearer(SHARED), { remoteAddress: PEER }), sharedKeyTenant(SHARED));
    assertEmpty401(await auth.controlPlane(bearer(TENANT.key), PEER));
    assert.ok((await auth.controlPlane(bearer(SHARED), PEER)).ok);
  });

  test('a tenant key equal to the shared key resolves to the tenant (SMG map insert)', async () => {
    const auth = await make({ apiKey: SHARED, tenantApiKeys: [{ tenant: 't', key: SHARED }] });
    assertTenant(auth.dataPlane(bearer(SHARED), { remoteAddress: PEER }), 'auth:t');
  });

  test('distinct tenant keys resolve to distinct tenants', async () => {
    const auth = await make({
      tenantApiKeys: [TENANT, { tenant: 'team-blue', key: 'blue-secret' }],
    });
    assertTenant(auth.dataPlane(bearer('blue-secret'), { remoteAddress: PEER }), 'auth:team-blue');
    assertTenant(auth.dataPlane(bearer(TENANT.key), { remoteAddress: PEER }), 'auth:team-red');
  });
});

describe('rule 3: tenant keys only', () => {
  test('admin routes are denied outright, even with a valid tenant key', async () => {
    const auth = await make({ tenantApiKeys: [TENANT] });
    assert.equal(auth.controlPlaneMode, 'deny_all');
    assertTenant(auth.dataPlane(bearer(TENANT.key), { remoteAddress: PEER }), 'auth:team-red');
    assertEmpty401(auth.dataPlane(hdrs(), { remoteAddress: PEER }));
    assertEmpty401(await auth.controlPlane(bearer(TENANT.key), PEER));
    assertEmpty401(await auth.controlPlane(hdrs(), PEER));
  });
});

describe('rule 1: control-plane API keys', () => {
  const cfg = { apiKey: SHARED, controlPlaneApiKeys: [ADMIN, USER] };

  test('admin key passes; the shared key is NOT accepted on admin routes', async () => {
    const auth = await make(cfg);
    assert.equal(auth.controlPlaneMode, 'control_plane');
    const ok = await auth.controlPlane(bearer(ADMIN.key), PEER);
    assert.ok(ok.ok);
    if (ok.ok) {
      assert.deepEqual(ok.principal, { subject: 'ops', role: 'admin', via: 'api_key' });
      assert.equal(ok.tenant, `ip:${PEER}`);
    }
    assertText(
      await auth.controlPlane(bearer(SHARED), PEER),
      401,
      'Invalid authentication token',
      true,
    );
  });

  test('user-role key → 403 text without a challenge', async () => {
    const auth = await make(cfg);
    assertText(
      await auth.controlPlane(bearer(USER.key), PEER),
      403,
      'Admin role required for control plane access',
      false,
    );
  });

  test('missing, non-Bearer, lower-case or non-ASCII header → Missing or invalid …', async () => {
    const auth = await make(cfg);
    const headerSets = [
      hdrs(),
      hdrs({ 'x-api-key': ADMIN.key }),
      hdrs({ authorization: `bearer ${ADMIN.key}` }),
      hdrs({ authorization: `Basic ${ADMIN.key}` }),
      hdrs({ authorization: 'Bearer caf\u00e9' }),
    ];
    for (const h of headerSets) {
      const o = await auth.controlPlane(h, PEER);
      assertText(o, 401, 'Missing or invalid Authorization header', true);
    }
  });

  test('"Bearer " with an empty token is present but invalid', async () => {
    const auth = await make(cfg);
    const o = await auth.controlPlane(hdrs({ authorization: 'Bearer ' }), PEER);
    assertText(o, 401, 'Invalid authentication token', true);
  });

  test('without JWT, a three-part token is just a key (no Invalid JWT)', async () => {
    const dotted = { id: 'dots', name: 'd', role: 'admin' as const, key: 'a.b.c' };
    const auth = await make({ controlPlaneApiKeys: [dotted] });
    assert.ok((await auth.controlPlane(bearer('a.b.c'), PEER)).ok);
    assertText(
      await auth.controlPlane(bearer('x.y.z'), PEER),
      401,
      'Invalid authentication token',
      true,
    );
  });

  test('the data plane keeps its own keys: cp keys are not data-plane keys', async () => {
    const auth = await make(cfg);
    assertTenant(auth.dataPlane(bearer(SHARED), { remoteAddress: PEER }), sharedKeyTenant(SHARED));
    assertEmpty401(auth.dataPlane(bearer(ADMIN.key), { remoteAddress: PEER }));
    const cpOnly = await make({ controlPlaneApiKeys: [ADMIN] });
    assertTenant(cpOnly.dataPlane(hdrs(), { remoteAddress: PEER }), `ip:${PEER}`);
  });

  test('replies are fresh objects each time', async () => {
    const auth = await make(cfg);
    const a = await auth.controlPlane(hdrs(), PEER);
    if (!a.ok) a.reply.headers.push(['x-request-id', 'r1']);
    const b = await auth.controlPlane(hdrs(), PEER);
    if (!b.ok) assert.equal(header(b.reply.headers, 'x-request-id'), undefined);
  });
});

describe('JWT initialisation failure (no network: the JWKS URL fails the SSRF guard)', () => {
  const jwt = {
    issuer: 'https://idp.example.com',
    audience: 'collie',
    jwksUri: 'http://idp.example.com/jwks',
    roleClaim: 'roles',
    roleMapping: [],
  };

  test('falls back to control-plane keys when there are any', async () => {
    const auth = await make({ jwt, apiKey: SHARED, controlPlaneApiKeys: [ADMIN] });
    assert.equal(auth.controlPlaneMode, 'control_plane');
    assert.ok((await auth.controlPlane(bearer(ADMIN.key), PEER)).ok);
    assertText(
      await auth.controlPlane(bearer(SHARED), PEER),
      401,
      'Invalid authentication token',
      true,
    );
  });

  test('else to the shared key, else deny-all (never open)', async () => {
    assert.equal((await make({ jwt, apiKey: SHARED })).controlPlaneMode, 'shared_key');
    assert.equal((await make({ jwt, tenantApiKeys: [TENANT] })).controlPlaneMode, 'deny_all');
    const bare = await make({ jwt });
    assert.equal(bare.controlPlaneMode, 'deny_all');
    assertEmpty401(await bare.controlPlane(bearer('anything'), PEER));
  });
});

test('createAuth rejects empty keys', async () => {
  await assert.rejects(make({ apiKey: '' }), /--api-key must not be empty/);
  await assert.rejects(make({ tenantApiKeys: [{ tenant: 't', key: '' }] }), /TENANT:KEY/);
  await assert.rejects(make({ controlPlaneApiKeys: [{ ...ADMIN, key: '' }] }), /must not be empty/);
});
