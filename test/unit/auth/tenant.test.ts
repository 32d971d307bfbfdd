import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { peerTenant, sharedKeyTenant, tenantKeyTenant } from '../../../src/auth/tenant';

test('shared key tenant is auth:<lower-case sha256 hex of the key>', () => {
  const hex = createHash('sha256').update('shared-secret').digest('hex');
  assert.equal(sharedKeyTenant('shared-secret'), `auth:${hex}`);
  assert.match(sharedKeyTenant('x'), /^auth:[0-9a-f]{64}$/);
});

test('tenant key tenant is auth:<tenant id>', () => {
  assert.equal(tenantKeyTenant('team-red'), 'auth:team-red');
});

test('peer tenant: ip:<canonical ip>, else anonymous', () => {
  assert.equal(peerTenant('203.0.113.42'), 'ip:203.0.113.42');
  assert.equal(peerTenant('::1'), 'ip:::1');
  assert.equal(peerTenant('2001:DB8:0:0:0:0:0:1'), 'ip:2001:db8::1');
  assert.equal(peerTenant('0000:0000:0000:0000:0000:0000:0000:0001'), 'ip:::1');
  assert.equal(peerTenant('::ffff:127.0.0.1'), 'ip:127.0.0.1');
  assert.equal(peerTenant('0:0:0:0:0:ffff:c000:022a'), 'ip:192.0.2.42');
  assert.equal(peerTenant(''), 'anonymous');
  assert.equal(peerTenant('not-an-ip'), 'anonymous');
});
