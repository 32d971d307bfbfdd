import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseControlPlaneKey, parseRoleMapping, parseTenantKey } from '../../../src/auth';

describe('parseTenantKey', () => {
  test('splits on the first colon; the key may contain colons', () => {
    assert.deepEqual(parseTenantKey('team-red:s3cret'), { tenant: 'team-red', key: 's3cret' });
    assert.deepEqual(parseTenantKey('t:a:b:c'), { tenant: 't', key: 'a:b:c' });
  });

  test('rejects a missing colon or an empty part', () => {
    for (const bad of ['no-colon', ':key', 'tenant:', '', ':']) {
      assert.throws(() => parseTenantKey(bad), /--tenant-api-key: expected TENANT:KEY/, bad);
    }
  });
});

describe('parseControlPlaneKey', () => {
  test('ID:NAME:ROLE:KEY, key may contain colons, role is case-insensitive', () => {
    assert.deepEqual(parseControlPlaneKey('ops:Ops Team:ADMIN:k:with:colons'), {
      id: 'ops',
      name: 'Ops Team',
      role: 'admin',
      key: 'k:with:colons',
    });
    assert.equal(parseControlPlaneKey('ro::User:key').role, 'user');
    assert.equal(parseControlPlaneKey('ro::User:key').name, '');
  });

  test('fewer than four fields is an error', () => {
    for (const bad of ['a:b:admin', 'a:b', 'justakey', '']) {
      assert.throws(() => parseControlPlaneKey(bad), /expected ID:NAME:ROLE:KEY/, bad);
    }
  });

  test('unknown role, empty id or empty key are errors', () => {
    assert.throws(
      () => parseControlPlaneKey('id:n:root:secret-value'),
      (e: Error) => {
        assert.match(e.message, /invalid role 'root'.*expected admin or user/);
        assert.doesNotMatch(e.message, /secret-value/);
        return true;
      },
    );
    assert.throws(() => parseControlPlaneKey(':n:admin:k'), /ID must not be empty/);
    assert.throws(() => parseControlPlaneKey('id:n:admin:'), /KEY must not be empty/);
  });
});

describe('parseRoleMapping', () => {
  test('IDP=ROLE, gateway role case-insensitive; the IdP value may contain =', () => {
    assert.deepEqual(parseRoleMapping('platform-admins=admin'), {
      idp: 'platform-admins',
      role: 'admin',
    });
    assert.deepEqual(parseRoleMapping('cn=ops,ou=groups=User'), {
      idp: 'cn=ops,ou=groups',
      role: 'user',
    });
  });

  test('rejects a missing =, an empty IdP value or an unknown role', () => {
    assert.throws(() => parseRoleMapping('admins'), /expected IDP_ROLE=admin\|user/);
    assert.throws(() => parseRoleMapping('=admin'), /IDP_ROLE must not be empty/);
    assert.throws(() => parseRoleMapping('x=superuser'), /invalid gateway role 'superuser'/);
  });
});
