import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLaunchArgs } from '../../../src/config/parse';

function file(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-secret-'));
  const p = path.join(dir, 'secret');
  fs.writeFileSync(p, text);
  return p;
}

const auth = (argv: string[], env: Record<string, string> = {}) =>
  parseLaunchArgs(['--workers', '1', ...argv], env).auth;

test('--api-key: flag, else file, else COLLIE_API_KEY', () => {
  const f = file('  from-file\n');
  assert.equal(auth([], { COLLIE_API_KEY: 'from-env' }).apiKey, 'from-env');
  assert.equal(auth(['--api-key-file', f], { COLLIE_API_KEY: 'from-env' }).apiKey, 'from-file');
  assert.equal(auth(['--api-key', 'flag'], { COLLIE_API_KEY: 'from-env' }).apiKey, 'flag');
  assert.throws(() => auth(['--api-key', 'a', '--api-key-file', f]), /not both/);
  assert.throws(() => auth(['--api-key-file', file('\n')]), /is empty/);
  assert.throws(() => auth(['--api-key-file', '/nonexistent/key']), /cannot read/);
});

test('key lists: the flag or its environment variable, plus one entry per line of the file', () => {
  const cp = file('# ops team\nops:Ops:admin:k2\n\nro:Reader:user:k3\n');
  const keys = auth([
    '--control-plane-api-keys',
    'a:A:admin:k1',
    '--control-plane-api-keys-file',
    cp,
  ]).controlPlaneApiKeys;
  assert.deepEqual(
    keys.map((k) => k.key),
    ['k1', 'k2', 'k3'],
  );
  const fromEnv = auth([], { CONTROL_PLANE_API_KEYS: 'a:A:admin:e1' }).controlPlaneApiKeys;
  assert.deepEqual(
    fromEnv.map((k) => k.key),
    ['e1'],
  );
  const tenants = auth([], { COLLIE_TENANT_API_KEYS: 'acme:t1, beta:t2' }).tenantApiKeys;
  assert.deepEqual(
    tenants.map((t) => [t.tenant, t.key]),
    [
      ['acme', 't1'],
      ['beta', 't2'],
    ],
  );
  assert.throws(
    () => auth(['--tenant-api-key', 'acme:x', '--tenant-api-key-file', file('acme:y\n')]),
    /duplicate tenant/,
  );
});
