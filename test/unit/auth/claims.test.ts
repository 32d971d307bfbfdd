import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimsError, roleOf, roleStrings, subjectOf } from '../../../src/auth/jwt/claims';
import { keyAlgorithm } from '../../../src/auth/jwt/verifier';
import type { JwtConfig, Role } from '../../../src/auth';

const NOW = 1_800_000_000;
const CFG: JwtConfig = {
  issuer: 'https://idp.example.com',
  audience: 'collie',
  roleClaim: 'roles',
  roleMapping: [],
};
const good = { iss: CFG.issuer, aud: CFG.audience, exp: NOW + 600, sub: 'alice' };
const err = (claims: Record<string, unknown>): string | undefined => claimsError(claims, CFG, NOW);

describe('claimsError', () => {
  test('a valid token has no error; aud may be an array containing ours', () => {
    assert.equal(err(good), undefined);
    assert.equal(err({ ...good, aud: ['other', 'collie'] }), undefined);
  });

  test('exp is required and checked with 30 s leeway', () => {
    const { exp: _exp, ...noExp } = good;
    assert.equal(err(noExp), 'Failed to decode token: Missing required claim: exp');
    assert.equal(err({ ...good, exp: NOW - 30 }), undefined);
    assert.equal(err({ ...good, exp: NOW - 31 }), 'Failed to decode token: ExpiredSignature');
  });

  test('nbf is optional and checked with 30 s leeway', () => {
    assert.equal(err({ ...good, nbf: NOW + 30 }), undefined);
    assert.equal(err({ ...good, nbf: NOW + 31 }), 'Failed to decode token: ImmatureSignature');
  });

  test('iss and aud must be present and match', () => {
    assert.equal(err({ ...good, iss: 'https://evil' }), 'Failed to decode token: InvalidIssuer');
    assert.equal(err({ ...good, aud: 'other' }), 'Failed to decode token: InvalidAudience');
    assert.equal(err({ ...good, aud: ['a', 'b'] }), 'Failed to decode token: InvalidAudience');
    const { iss: _iss, ...noIss } = good;
    assert.equal(err(noIss), 'Failed to decode token: Missing required claim: iss');
    const { aud: _aud, ...noAud } = good;
    assert.equal(err(noAud), 'Failed to decode token: Missing required claim: aud');
  });

  test('checked in jsonwebtoken order: expiry before issuer before audience', () => {
    assert.equal(
      err({ iss: 'x', aud: 'y', exp: NOW - 100 }),
      'Failed to decode token: ExpiredSignature',
    );
    assert.equal(
      err({ iss: 'x', aud: 'y', exp: NOW + 100 }),
      'Failed to decode token: InvalidIssuer',
    );
  });

  test('wrong claim types fail like serde would', () => {
    assert.match(err({ ...good, exp: NOW + 0.5 }) ?? '', /JSON error: .*`exp`/);
    assert.match(err({ ...good, sub: 42 }) ?? '', /JSON error: .*`sub`/);
  });
});

test('subject: sub → email → preferred_username → unknown', () => {
  assert.equal(subjectOf({ sub: 's', email: 'e', preferred_username: 'p' }), 's');
  assert.equal(subjectOf({ email: 'e', preferred_username: 'p' }), 'e');
  assert.equal(subjectOf({ preferred_username: 'p' }), 'p');
  assert.equal(subjectOf({}), 'unknown');
});

describe('roles', () => {
  const noMap = new Map<string, Role>();
  const role = (claims: Record<string, unknown>, claim = 'roles', map = noMap): Role =>
    roleOf(claims, { roleClaim: claim }, map);

  test('configured claim as string or array; literal admin/user, case-insensitive', () => {
    assert.equal(role({ roles: 'admin' }), 'admin');
    assert.equal(role({ roles: ['reader', 'ADMIN'] }), 'admin');
    assert.equal(role({ roles: ['user', 'admin'] }), 'user', 'first recognised value wins');
    assert.equal(role({ roles: ['reader'] }), 'user', 'default user');
    assert.equal(role({}), 'user');
  });

  test('alternates role, roles, groups, group only when the configured claim is absent', () => {
    assert.equal(role({ groups: ['admin'] }), 'admin');
    assert.equal(role({ perms: 'x', group: 'admin' }, 'perms'), 'user');
    assert.equal(role({ group: 'admin' }, 'perms'), 'admin');
    assert.equal(role({ roles: ['viewer'], groups: ['admin'] }), 'user');
    assert.equal(role({ roles: null, groups: ['admin'] }), 'user', 'present but null');
    assert.equal(role({ roles: 7, groups: ['admin'] }), 'user', 'present but not a string');
    assert.deepEqual(roleStrings({ role: 'a', roles: ['b', 1], groups: 'c', group: ['d'] }, 'x'), [
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  test('a role claim named like a modelled claim is never found (serde flatten)', () => {
    assert.equal(role({ name: 'admin', groups: ['admin'] }, 'name'), 'admin');
    assert.equal(role({ name: 'admin' }, 'name'), 'user');
  });

  test('with mappings only mapped values count, exact match', () => {
    const map = new Map<string, Role>([['platform-admins', 'admin']]);
    assert.equal(role({ groups: ['platform-admins'] }, 'roles', map), 'admin');
    assert.equal(role({ roles: ['admin'] }, 'roles', map), 'user');
    assert.equal(role({ roles: ['Platform-Admins'] }, 'roles', map), 'user');
  });
});

test('key algorithm: declared alg, else RS256 for RSA, ES256/ES384 by curve', () => {
  assert.deepEqual(keyAlgorithm({ kty: 'RSA', alg: 'RS512' }), { ok: true, alg: 'RS512' });
  assert.deepEqual(keyAlgorithm({ kty: 'RSA' }), { ok: true, alg: 'RS256' });
  assert.deepEqual(keyAlgorithm({ kty: 'EC', crv: 'P-256' }), { ok: true, alg: 'ES256' });
  assert.deepEqual(keyAlgorithm({ kty: 'EC', crv: 'P-384' }), { ok: true, alg: 'ES384' });
  assert.deepEqual(keyAlgorithm({ kty: 'EC', crv: 'P-521' }), {
    ok: false,
    reason: 'Token validation failed: Unsupported EC curve: P-521',
  });
  assert.deepEqual(keyAlgorithm({ kty: 'RSA', alg: 'PS256' }), {
    ok: false,
    reason: 'Token validation failed: Unsupported key algorithm: PS256',
  });
  assert.deepEqual(keyAlgorithm({ kty: 'oct' }), {
    ok: false,
    reason: 'Token validation failed: Cannot determine algorithm from key',
  });
});
