import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuth } from '../../../src/auth';
import { bearer, captureLogger, config, hdrs } from './helpers';

const ADMIN = { id: 'ops', name: 'Ops', role: 'admin' as const, key: 'cp-admin-SECRET-1' };
const USER = { id: 'viewer', name: 'Viewer', role: 'user' as const, key: 'cp-user-SECRET-2' };
const SHARED = 'shared-SECRET-3';

interface AuditLine {
  audit?: string;
  outcome?: string;
  principal?: string;
  auth_method?: string;
  role?: string;
  reason?: string;
  method?: string;
  path?: string;
  request_id?: string;
}

test('success, denied and failure are audited with ids only, never keys', async () => {
  const cap = captureLogger();
  const auth = await createAuth(config({ apiKey: SHARED, controlPlaneApiKeys: [ADMIN, USER] }), {
    logger: cap.logger,
  });
  const ctx = { method: 'POST', path: '/workers', requestId: 'req-1' };
  await auth.controlPlane(bearer(ADMIN.key), '10.0.0.1', ctx);
  await auth.controlPlane(bearer(USER.key), '10.0.0.1', ctx);
  await auth.controlPlane(bearer(SHARED), '10.0.0.1', ctx);
  await auth.controlPlane(hdrs(), '10.0.0.1');

  const audits = (cap.entries() as AuditLine[]).filter((e) => e.audit === 'control_plane');
  assert.deepEqual(
    audits.map((e) => [e.outcome, e.principal, e.auth_method, e.role]),
    [
      ['success', 'ops', 'api_key', 'admin'],
      ['denied', 'viewer', 'api_key', 'user'],
      ['failure', undefined, undefined, undefined],
      ['failure', undefined, undefined, undefined],
    ],
  );
  assert.equal(audits[0]?.path, '/workers');
  assert.equal(audits[0]?.method, 'POST');
  assert.equal(audits[0]?.request_id, 'req-1');
  assert.equal(audits[3]?.reason, 'Missing or invalid Authorization header');
  assert.doesNotMatch(cap.text(), /SECRET/);
});

test('startup log names key ids, never keys', async () => {
  const cap = captureLogger();
  await createAuth(
    config({
      apiKey: SHARED,
      controlPlaneApiKeys: [ADMIN],
      tenantApiKeys: [{ tenant: 't1', key: 'tenant-SECRET-4' }],
    }),
    { logger: cap.logger },
  );
  assert.match(cap.text(), /"control_plane_key_ids":\["ops"\]/);
  assert.match(cap.text(), /"tenant_ids":\["t1"\]/);
  assert.doesNotMatch(cap.text(), /SECRET/);
});

test('--disable-audit-logging silences audit entries', async () => {
  const cap = captureLogger();
  const auth = await createAuth(
    config({ controlPlaneApiKeys: [ADMIN], disableAuditLogging: true }),
    {
      logger: cap.logger,
    },
  );
  await auth.controlPlane(bearer(ADMIN.key), '10.0.0.1');
  await auth.controlPlane(hdrs(), '10.0.0.1');
  const audits = (cap.entries() as AuditLine[]).filter((e) => e.audit !== undefined);
  assert.equal(audits.length, 0);
});
