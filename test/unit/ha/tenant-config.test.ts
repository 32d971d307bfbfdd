import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { limitsFor, parseTenantLimitConfig } from '../../../src/ha/tenant-config';
import { parseLaunchArgs } from '../../../src/config/parse';

const GOOD = `
default_policy:
  requests_per_minute: 100
  model_rules:
    - rule_id: llama
      matcher: { type: prefix, value: meta-llama/ }
      tokens_per_minute: 5000
tenants:
  - tenant_key: auth:team-a
    requests_per_minute: 3
  - tenant_key: anonymous
    requests_per_minute: 0
`;

test('a valid file: tenant policy, model rules by prefix, default policy', () => {
  const c = parseTenantLimitConfig(GOOD, 'limits.yaml');
  assert.deepEqual(limitsFor(c, 'auth:team-a', 'x'), {
    bucket: 'auth:team-a|*',
    limits: { tokensPerMinute: 0, requestsPerMinute: 3, modelRules: [] },
  });
  const llama = limitsFor(c, 'auth:other', 'meta-llama/Llama-3');
  assert.equal(llama?.bucket, 'auth:other|llama');
  assert.equal(llama?.limits.tokensPerMinute, 5000);
  assert.equal(limitsFor(c, 'auth:other', 'qwen')?.limits.requestsPerMinute, 100);
  assert.equal(limitsFor(c, 'anonymous', 'qwen'), undefined, 'all zero: unlimited');
});

const BAD: Array<[string, RegExp]> = [
  ['default_policy:\n  requests_per_minute: [1,\n', /f\.yaml:3:1: invalid YAML/],
  [
    'default_policy:\n  requests_per_minute: -1\n',
    /f\.yaml:2:24: requests_per_minute must be an integer/,
  ],
  ['default_policy:\n  requests_per_minute: 1.5\n', /f\.yaml:2:24: requests_per_minute/],
  ['default_policy:\n  rpm: 1\n', /f\.yaml:2:3: unknown field 'rpm' in default_policy/],
  ['tenants:\n  - tenant_key: bob\n', /f\.yaml:2:17: tenant_key must be auth:<id>/],
  ['tenants:\n  - requests_per_minute: 1\n', /f\.yaml:2:5: missing field 'tenant_key'/],
  [
    'default_policy:\n  model_rules:\n    - rule_id: a\n      matcher: { type: regex, value: x }\n',
    /f\.yaml:4:24: type must be 'exact' or 'prefix'/,
  ],
  ['tenants: 3\n', /f\.yaml:1:10: tenants must be a list/],
  ['- 1\n', /f\.yaml:1:1: the file must be a mapping/],
];
for (const [text, re] of BAD) {
  test(`refused with file and line: ${JSON.stringify(text.slice(0, 40))}`, () => {
    assert.throws(() => parseTenantLimitConfig(text, 'f.yaml'), re);
  });
}

test('startup: malformed YAML fails naming the file and line; enabled needs a file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tenant-'));
  const file = path.join(dir, 'limits.yaml');
  fs.writeFileSync(file, 'default_policy:\n  requests_per_minute: [\n');
  try {
    assert.throws(
      () =>
        parseLaunchArgs(['--tenant-rate-limit-enabled', '--tenant-rate-limit-config', file], {}),
      (err: Error) => err.message.includes(`${file}:3:1: invalid YAML`),
    );
    assert.throws(
      () => parseLaunchArgs(['--tenant-rate-limit-enabled'], {}),
      /requires --tenant-rate-limit-config/,
    );
    assert.throws(
      () =>
        parseLaunchArgs(
          ['--tenant-rate-limit-enabled', '--tenant-rate-limit-config', `${file}.no`],
          {},
        ),
      /cannot read/,
    );
    fs.writeFileSync(file, GOOD);
    const c = parseLaunchArgs(
      ['--tenant-rate-limit-enabled', '--tenant-rate-limit-config', file],
      {},
    );
    assert.equal(c.tenantLimits?.tenants['auth:team-a']?.requestsPerMinute, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
