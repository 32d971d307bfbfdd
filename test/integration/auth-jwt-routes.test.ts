import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey } from 'jose';
import { startTestGateway, closeAll, type TestGateway } from '../helpers/gateway';

/** A JWKS endpoint on 127.0.0.1 whose answer the test can switch to garbage. */
async function startJwks(body: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('control-plane JWT on the workers API (real signed tokens, local JWKS)', () => {
  let gw: TestGateway;
  let jwks: { url: string; server: Server };
  let key: CryptoKey;
  let jwksBody = '';
  let sign: (claims: Record<string, unknown>, expSecs?: number) => Promise<string>;

  before(async () => {
    const jose = await import('jose');
    const pair = await jose.generateKeyPair('RS256');
    key = pair.privateKey;
    jwksBody = JSON.stringify({
      keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    });
    jwks = await startJwks(() => jwksBody);
    sign = (claims, expSecs = 300) =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('https://idp.test')
        .setAudience('collie')
        .setSubject('alice')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expSecs)
        .sign(key);
    gw = await startTestGateway([
      '--jwt-issuer',
      'https://idp.test',
      '--jwt-audience',
      'collie',
      '--jwt-jwks-uri',
      `${jwks.url}/jwks`,
    ]);
  });
  after(async () => {
    await closeAll(gw);
    await new Promise<void>((r) => jwks.server.close(() => r()));
  });

  const call = async (token: string): Promise<{ status: number; body: string }> => {
    const r = await fetch(`${gw.url}/workers`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, body: await r.text() };
  };

  test('admin role → 200; user role → 403; expired → 401 Invalid JWT; wrong audience → 401', async () => {
    assert.equal((await call(await sign({ roles: ['admin'] }))).status, 200);
    const user = await call(await sign({ roles: 'user' }));
    assert.equal(user.status, 403);
    const expired = await call(await sign({ roles: ['admin'] }, -120));
    assert.equal(expired.status, 401);
    assert.match(expired.body, /^Invalid JWT: /);
    const jose = await import('jose');
    const wrongAud = await new jose.SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://idp.test')
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(key);
    assert.equal((await call(wrongAud)).status, 401);
    assert.equal((await call('not.a.jwt')).status, 401);
  });

  test('data-plane routes are not affected by control-plane JWT config', async () => {
    const r = await fetch(`${gw.url}/v1/models`);
    assert.equal(r.status, 503); // no workers, but no auth demanded
  });
});
