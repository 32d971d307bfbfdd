import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey, JWK } from 'jose';
import { createAuth, type Auth, type AuthConfig, type AuthOutcome } from '../../src/auth';
import { silentLogger } from '../../src/util/logger';
import { bearer, captureLogger, config, header } from '../unit/auth/helpers';

type Jose = typeof import('jose');
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const AUD = 'collie';
const PEER = '127.0.0.1';
const SVC = { id: 'svc', name: 'Service', role: 'admin' as const, key: 'svc.key' };

/** A local IdP: OIDC discovery, a JWKS and some broken variants, on 127.0.0.1:0. */
interface Idp {
  url: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

function json(body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startIdp(keys: JWK[]): Promise<Idp> {
  const hits = new Map<string, number>();
  const routes = new Map<string, Handler>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = routes.get(path);
    if (h === undefined) res.writeHead(404).end();
    else h(req, res);
  });
  const url = await listen(server);
  routes.set('/.well-known/openid-configuration', json({ issuer: url, jwks_uri: `${url}/jwks` }));
  for (const p of ['/jwks', '/count/jwks']) routes.set(p, json({ keys }));
  routes.set('/garbage/jwks', json('not json {'));
  routes.set('/badshape/jwks', json({ keys: 'nope' }));
  routes.set('/500/jwks', (_q, res) => res.writeHead(500).end('boom'));
  routes.set('/redirect/jwks', (_q, res) => res.writeHead(302, { location: '/jwks' }).end());
  routes.set('/hang/jwks', () => undefined);
  routes.set('/broken/.well-known/openid-configuration', json('<html>'));
  routes.set('/nojwks/.well-known/openid-configuration', json({ issuer: url }));
  return {
    url,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  const url = await listen(s);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return url;
}

function jwtConfig(issuer: string, over: Partial<NonNullable<AuthConfig['jwt']>> = {}) {
  return { issuer, audience: AUD, roleClaim: 'roles', roleMapping: [], ...over };
}

function assertInvalidJwt(o: AuthOutcome, reason: string | RegExp): void {
  assert.equal(o.ok, false, 'expected a rejection');
  if (o.ok) return;
  assert.equal(o.reply.status, 401);
  assert.equal(header(o.reply.headers, 'www-authenticate'), 'Bearer realm="control-plane"');
  assert.equal(header(o.reply.headers, 'content-type'), 'text/plain; charset=utf-8');
  if (typeof reason === 'string') assert.equal(o.reply.body, `Invalid JWT: ${reason}`);
  else assert.match(o.reply.body, reason);
}

function assertAdmin(o: AuthOutcome, subject = 'alice'): void {
  assert.ok(o.ok, o.ok ? '' : `rejected: ${o.reply.status} ${o.reply.body}`);
  if (o.ok) assert.deepEqual(o.principal, { subject, role: 'admin', via: 'jwt' });
}

function assert403(o: AuthOutcome): void {
  assert.equal(o.ok, false);
  if (!o.ok) {
    assert.equal(o.reply.status, 403);
    assert.equal(o.reply.body, 'Admin role required for control plane access');
  }
}

describe('control-plane JWT against a real JWKS server', () => {
  let jose: Jose;
  let idp: Idp;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
  let auth: Auth;
  const now = (): number => Math.floor(Date.now() / 1000);

  /** Signs `claims` over the defaults (valid admin token for 10 minutes). */
  async function mint(
    claims: Record<string, unknown> = {},
    opts: { alg?: string; kid?: string | null; key?: CryptoKey | Uint8Array } = {},
  ): Promise<string> {
    const alg = opts.alg ?? 'RS256';
    const kid = opts.kid === undefined ? 'rsa-1' : opts.kid;
    const base = { iss: idp.url, aud: AUD, sub: 'alice', exp: now() + 600, roles: ['admin'] };
    return new jose.SignJWT({ ...base, ...claims })
      .setProtectedHeader(kid === null ? { alg } : { alg, kid })
      .sign(opts.key ?? rsa.privateKey);
  }

  const make = (over: Partial<AuthConfig>, timeoutMs = 2000): Promise<Auth> =>
    createAuth(config(over), { logger: silentLogger(), fetchTimeoutMs: timeoutMs });

  before(async () => {
    jose = await import('jose');
    rsa = await jose.generateKeyPair('RS256');
    ec = await jose.generateKeyPair('ES256');
    stranger = await jose.generateKeyPair('RS256');
    const pub = async (k: CryptoKey, extra: JWK): Promise<JWK> => ({
      ...(await jose.exportJWK(k)),
      ...extra,
    });
    idp = await startIdp([
      await pub(rsa.publicKey, { kid: 'rsa-1', alg: 'RS256', use: 'sig' }),
      await pub(rsa.publicKey, { kid: 'rsa-noalg' }),
      await pub(ec.publicKey, { kid: 'ec-1' }),
    ]);
    auth = await make({ jwt: jwtConfig(idp.url), controlPlaneApiKeys: [SVC] });
  });
  after(() => idp.close());

  test('OIDC discovery initialises JWT auth', () => {
    assert.equal(auth.controlPlaneMode, 'control_plane');
    assert.ok((idp.hits.get('/.well-known/openid-configuration') ?? 0) >= 1);
  });

  test('admin via roles array, roles string, case-insensitive value, groups fallback', async () => {
    assertAdmin(await auth.controlPlane(bearer(await mint()), PEER));
    assertAdmin(await auth.controlPlane(bearer(await mint({ roles: 'admin' })), PEER));
    assertAdmin(await auth.controlPlane(bearer(await mint({ roles: ['Admin'] })), PEER));
    const groups = await mint({ roles: undefined, groups: ['admin'] });
    assertAdmin(await auth.controlPlane(bearer(groups), PEER));
  });

  test('ES256 with a kid-only EC key (alg inferred from the curve)', async () => {
    const t = await mint({}, { alg: 'ES256', kid: 'ec-1', key: ec.privateKey });
    assertAdmin(await auth.controlPlane(bearer(t), PEER));
  });

  test('subject falls back to email, then preferred_username', async () => {
    const t = await mint({ sub: undefined, email: 'a@example.com' });
    assertAdmin(await auth.controlPlane(bearer(t), PEER), 'a@example.com');
    const u = await mint({ sub: undefined, preferred_username: 'al' });
    assertAdmin(await auth.controlPlane(bearer(u), PEER), 'al');
  });

  test('user role, no role, or an unrecognised role → 403', async () => {
    assert403(await auth.controlPlane(bearer(await mint({ roles: ['user'] })), PEER));
    assert403(await auth.controlPlane(bearer(await mint({ roles: undefined })), PEER));
    assert403(await auth.controlPlane(bearer(await mint({ roles: ['viewer'] })), PEER));
  });

  test('role mapping: only mapped values count', async () => {
    const mapped = await make({
      jwt: jwtConfig(idp.url, { roleMapping: [{ idp: 'platform-admins', role: 'admin' }] }),
    });
    const ok = await mint({ roles: undefined, groups: ['platform-admins'] });
    assertAdmin(await mapped.controlPlane(bearer(ok), PEER));
    assert403(await mapped.controlPlane(bearer(await mint({ roles: ['admin'] })), PEER));
  });

  test('custom role claim', async () => {
    const custom = await make({ jwt: jwtConfig(idp.url, { roleClaim: 'permissions' }) });
    assertAdmin(await custom.controlPlane(bearer(await mint({ permissions: 'admin' })), PEER));
    const t = await mint({ permissions: ['read'], roles: ['admin'] });
    assert403(await custom.controlPlane(bearer(t), PEER));
  });

  test('expiry: beyond the 30 s leeway → 401, within it → ok', async () => {
    const expired = await mint({ exp: now() - 120 });
    assertInvalidJwt(
      await auth.controlPlane(bearer(expired), PEER),
      'Failed to decode token: ExpiredSignature',
    );
    assertAdmin(await auth.controlPlane(bearer(await mint({ exp: now() - 10 })), PEER));
    const noExp = await mint({ exp: undefined });
    const r = await auth.controlPlane(bearer(noExp), PEER);
    assertInvalidJwt(r, 'Failed to decode token: Missing required claim: exp');
  });

  test('not-before: beyond the leeway → 401, within it → ok', async () => {
    const early = await mint({ nbf: now() + 120 });
    assertInvalidJwt(
      await auth.controlPlane(bearer(early), PEER),
      'Failed to decode token: ImmatureSignature',
    );
    assertAdmin(await auth.controlPlane(bearer(await mint({ nbf: now() + 10 })), PEER));
  });

  test('wrong audience or issuer → 401; audience may be an array', async () => {
    const aud = await mint({ aud: 'someone-else' });
    assertInvalidJwt(
      await auth.controlPlane(bearer(aud), PEER),
      'Failed to decode token: InvalidAudience',
    );
    const iss = await mint({ iss: 'https://evil.example.com' });
    assertInvalidJwt(
      await auth.controlPlane(bearer(iss), PEER),
      'Failed to decode token: InvalidIssuer',
    );
    assertAdmin(await auth.controlPlane(bearer(await mint({ aud: ['x', AUD] })), PEER));
  });

  test('missing kid, unknown kid, bad signature, malformed token', async () => {
    const noKid = await mint({}, { kid: null });
    assertInvalidJwt(
      await auth.controlPlane(bearer(noKid), PEER),
      "Token header missing 'kid' claim",
    );
    const unknown = await mint({}, { kid: 'nope' });
    assertInvalidJwt(
      await auth.controlPlane(bearer(unknown), PEER),
      'Failed to get signing key: Key not found for kid: nope',
    );
    const forged = await mint({}, { key: stranger.privateKey });
    assertInvalidJwt(
      await auth.controlPlane(bearer(forged), PEER),
      'Failed to decode token: InvalidSignature',
    );
    for (const junk of ['a.b.c', '..', 'e30.e30.e30']) {
      assertInvalidJwt(
        await auth.controlPlane(bearer(junk), PEER),
        /^Invalid JWT: Failed to decode token: /,
      );
    }
  });

  test('the token alg must equal the key alg', async () => {
    // Signed with other keys: the algorithm check comes before the signature check.
    const rs384 = await mint(
      {},
      { alg: 'RS384', key: (await jose.generateKeyPair('RS384')).privateKey },
    );
    assertInvalidJwt(
      await auth.controlPlane(bearer(rs384), PEER),
      'Algorithm mismatch: token uses RS384 but key requires RS256',
    );
    const rs512 = (await jose.generateKeyPair('RS512')).privateKey;
    const noAlgKey = await mint({}, { alg: 'RS512', kid: 'rsa-noalg', key: rs512 });
    assertInvalidJwt(
      await auth.controlPlane(bearer(noAlgKey), PEER),
      'Algorithm mismatch: token uses RS512 but key requires RS256',
    );
    const hs = await mint({}, { alg: 'HS256', key: new TextEncoder().encode('x'.repeat(32)) });
    assertInvalidJwt(
      await auth.controlPlane(bearer(hs), PEER),
      'Algorithm mismatch: token uses HS256 but key requires RS256',
    );
  });

  test('a token that is not three parts falls through to API keys', async () => {
    const ok = await auth.controlPlane(bearer(SVC.key), PEER);
    assert.ok(ok.ok);
    if (ok.ok) assert.deepEqual(ok.principal, { subject: 'svc', role: 'admin', via: 'api_key' });
    for (const t of ['not-a-jwt', 'a.b.c.d', '...']) {
      const no = await auth.controlPlane(bearer(t), PEER);
      assert.ok(!no.ok && no.reply.body === 'Invalid authentication token', t);
    }
  });

  test('a three-part API key is taken for a JWT when JWT is on (SMG quirk)', async () => {
    const dotted = { ...SVC, id: 'dotted', key: 'a.b.c' };
    const a = await make({ jwt: jwtConfig(idp.url), controlPlaneApiKeys: [dotted] });
    assertInvalidJwt(await a.controlPlane(bearer('a.b.c'), PEER), /^Invalid JWT: /);
  });

  test('concurrent verifications share one JWKS fetch; tokens are never logged', async () => {
    const cap = captureLogger();
    const a = await createAuth(
      config({ jwt: jwtConfig(idp.url, { jwksUri: `${idp.url}/count/jwks` }) }),
      {
        logger: cap.logger,
      },
    );
    const t = await mint();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => a.controlPlane(bearer(t), PEER)),
    );
    for (const r of results) assertAdmin(r);
    assert.equal(idp.hits.get('/count/jwks'), 1);
    await a.controlPlane(bearer(await mint({ exp: now() - 300 })), PEER);
    assert.doesNotMatch(cap.text(), /eyJ/);
    assert.match(cap.text(), /ExpiredSignature/);
  });

  describe('a JWKS endpoint that misbehaves at verification time → 401, never a crash', () => {
    const cases: Array<[string, () => string | Promise<string>, RegExp]> = [
      [
        'down (closed port)',
        async () => `${await closedPortUrl()}/jwks`,
        /Failed to fetch JWKS: error sending request \(ECONNREFUSED\)$/,
      ],
      ['garbage JSON', () => `${idp.url}/garbage/jwks`, /Failed to parse JWKS: /],
      [
        'not a key set',
        () => `${idp.url}/badshape/jwks`,
        /Failed to parse JWKS: JSON Web Key Set malformed$/,
      ],
      [
        'HTTP 500',
        () => `${idp.url}/500/jwks`,
        /Failed to fetch JWKS: HTTP 500 Internal Server Error$/,
      ],
      ['a redirect', () => `${idp.url}/redirect/jwks`, /Failed to fetch JWKS: HTTP 302 Found$/],
      ['hanging', () => `${idp.url}/hang/jwks`, /Failed to fetch JWKS: request timed out$/],
    ];
    for (const [name, uri, reason] of cases) {
      test(name, async () => {
        const a = await make({ jwt: jwtConfig(idp.url, { jwksUri: await uri() }) }, 300);
        assert.equal(a.controlPlaneMode, 'control_plane');
        const started = Date.now();
        const r = await a.controlPlane(bearer(await mint()), PEER);
        assertInvalidJwt(r, /^Invalid JWT: Failed to get signing key: /);
        if (!r.ok) assert.match(r.reply.body, reason);
        assert.ok(Date.now() - started < 3000, 'bounded by the fetch timeout');
      });
    }
  });

  describe('discovery failure at startup falls back', () => {
    const issuers: Array<[string, () => string | Promise<string>]> = [
      ['unreachable', () => closedPortUrl()],
      ['garbage document', () => `${idp.url}/broken`],
      ['no jwks_uri', () => `${idp.url}/nojwks`],
    ];
    for (const [name, issuer] of issuers) {
      test(`${name}: control-plane keys stay, JWTs are refused as unknown tokens`, async () => {
        const a = await make({
          jwt: jwtConfig(await issuer()),
          apiKey: 'shared',
          controlPlaneApiKeys: [SVC],
        });
        assert.equal(a.controlPlaneMode, 'control_plane');
        assert.ok((await a.controlPlane(bearer(SVC.key), PEER)).ok);
        const r = await a.controlPlane(bearer(await mint()), PEER);
        assert.ok(
          !r.ok && r.reply.status === 401 && r.reply.body === 'Invalid authentication token',
        );
        const shared = await a.controlPlane(bearer('shared'), PEER);
        assert.ok(!shared.ok && shared.reply.status === 401);
      });
    }

    test('without control-plane keys: shared key rule, else deny-all', async () => {
      const issuer = `${idp.url}/broken`;
      const shared = await make({ jwt: jwtConfig(issuer), apiKey: 'shared' });
      assert.equal(shared.controlPlaneMode, 'shared_key');
      assert.ok((await shared.controlPlane(bearer('shared'), PEER)).ok);
      const bare = await make({ jwt: jwtConfig(issuer) });
      assert.equal(bare.controlPlaneMode, 'deny_all');
      const r = await bare.controlPlane(bearer(await mint()), PEER);
      assert.ok(!r.ok && r.reply.status === 401 && r.reply.body === '');
    });
  });
});
