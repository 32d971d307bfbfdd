import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchArgs } from '../../../src/config/parse';
import { LAUNCH_FLAGS, UNSUPPORTED_SMG_FLAGS } from '../../../src/config/flags';
import type { Env, FlagSpec } from '../../../src/config/schema';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate + key pair (openssl, temp dir) and a copy of it under other names, for the TLS flags. */
const TLS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-flags-tls-'));
process.on('exit', () => fs.rmSync(TLS_DIR, { recursive: true, force: true }));
const TLS = { cert: path.join(TLS_DIR, 'a.crt'), key: path.join(TLS_DIR, 'a.key') };
spawnSync('openssl', [
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-days',
  '1',
  '-subj',
  '/CN=x',
  '-keyout',
  TLS.key,
  '-out',
  TLS.cert,
]);
fs.copyFileSync(TLS.cert, path.join(TLS_DIR, 'b.crt'));
fs.copyFileSync(TLS.key, path.join(TLS_DIR, 'b.key'));
const TLS_BASE = ['--tls-cert-path', TLS.cert, '--tls-key-path', TLS.key];
/** Two valid tenant rate-limit files (SMG's YAML) that differ. */
const TENANT_A = path.join(TLS_DIR, 'tenants-a.yaml');
const TENANT_B = path.join(TLS_DIR, 'tenants-b.yaml');
fs.writeFileSync(TENANT_A, 'default_policy:\n  requests_per_minute: 100\n');
fs.writeFileSync(TENANT_B, 'default_policy:\n  requests_per_minute: 7\n');
/** A priority-scheduler file (SMG's YAML). */
const PRIORITY = path.join(TLS_DIR, 'priority.yaml');
fs.writeFileSync(PRIORITY, 'tenant_policies:\n  anonymous: { max_class: bulk }\n');
/** A secret file for the --*-file flags (flags-hardening.ts). */
function secretFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-flags-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Every flag of the table must reach the config: for each one, some valid value changes the
 * parsed config (a flag whose value a builder drops fails here). The reverse, a config slot
 * without a flag, cannot be written: the GatewayConfig type is the schema's.
 */

/** Flags that only count together with others (SMG's rules), and the environment they need. */
const CONTEXT: Readonly<Record<string, { args?: string[]; env?: Env }>> = {
  '--tokenizer-cache-l0-max-entries': { args: ['--tokenizer-cache-enable-l0'] },
  '--tokenizer-cache-l1-max-memory': { args: ['--tokenizer-cache-enable-l1'] },
  '--disable-tokenizer-autoload': { args: ['--model-path', 'org/m'] },
  '--jwt-issuer': { env: { JWT_ISSUER: 'https://e', JWT_AUDIENCE: 'aud' } },
  '--jwt-audience': { env: { JWT_ISSUER: 'https://e', JWT_AUDIENCE: 'aud' } },
  '--jwt-jwks-uri': { env: { JWT_ISSUER: 'https://e', JWT_AUDIENCE: 'aud' } },
  '--jwt-role-claim': { env: { JWT_ISSUER: 'https://e', JWT_AUDIENCE: 'aud' } },
  '--jwt-role-mapping': { env: { JWT_ISSUER: 'https://e', JWT_AUDIENCE: 'aud' } },
  '--tls-cert-path': { args: TLS_BASE },
  '--tls-key-path': { args: TLS_BASE },
  '--otlp-traces-endpoint': { args: ['--enable-trace'] },
  '--tenant-rate-limit-enabled': { args: ['--tenant-rate-limit-config', TENANT_A] },
  '--tenant-rate-limit-config': {
    args: ['--tenant-rate-limit-enabled', '--tenant-rate-limit-config', TENANT_A],
  },
  '--priority-scheduler-default-max-class': { args: ['--priority-scheduler-enabled'] },
  '--priority-scheduler-config': { args: ['--priority-scheduler-enabled'] },
  '--priority-scheduler-tenant-metric-top-n': { args: ['--priority-scheduler-enabled'] },
  '--mesh-server-name': { args: ['--redis-url', 'redis://h:1'] },
  '--enable-mesh': { args: ['--redis-url', 'redis://h:1'] },
  '--prefill': { args: ['--pd-disaggregation'] },
  '--decode': { args: ['--pd-disaggregation'] },
  '--prefill-policy': { args: ['--pd-disaggregation'] },
  '--decode-policy': { args: ['--pd-disaggregation'] },
  '--pd-protocol': { args: ['--pd-disaggregation'] },
  '--pd-decode-abort-grace-ms': { args: ['--pd-disaggregation'] },
};

/** Values in a shape the flag accepts. */
const SAMPLES: Readonly<Record<string, string[]>> = {
  '--worker-urls': ['http://a:1'],
  '--model-alias': ['fast=llama'],
  '--redis-url': ['redis://h:1/0'],
  '--health-check-endpoint': ['/h'],
  '--prometheus-duration-buckets': ['0.5'],
  '--tenant-api-key': ['t:k'],
  '--control-plane-api-keys': ['i:n:admin:k'],
  '--jwt-role-mapping': ['idp=admin'],
  '--jwt-issuer': ['https://i'],
  '--tls-cert-path': [path.join(TLS_DIR, 'b.crt')],
  '--tls-key-path': [path.join(TLS_DIR, 'b.key')],
  '--otlp-traces-endpoint': ['127.0.0.1:4318'],
  '--tenant-rate-limit-config': [TENANT_B],
  '--priority-scheduler-config': [PRIORITY],
  '--tool-call-parser': ['qwen'],
  '--reasoning-parser': ['qwen3'],
  '--prefill': ['http://p:1', '8998'],
  '--decode': ['http://d:1'],
  '--api-key-file': [secretFile('api-key', 'k\n')],
  '--tenant-api-key-file': [secretFile('tenants', 't:k\n')],
  '--control-plane-api-keys-file': [secretFile('cp', 'i:n:admin:k\n')],
  '--chat-template': [secretFile('chat_template.jinja', '{{ messages[0].content }}')],
};

function candidates(f: FlagSpec): string[][] {
  const sample = SAMPLES[f.flag];
  if (sample) return [sample];
  switch (f.kind) {
    case 'bool':
      return [[]];
    case 'int':
    case 'float': {
      const d = typeof f.default === 'number' ? f.default : undefined;
      const nums = [d === undefined ? 2 : d + 1, d === undefined ? 3 : d - 1, f.min, f.max];
      return nums
        .filter((n): n is number => n !== undefined)
        .filter((n) => (f.min === undefined || n >= f.min) && (f.max === undefined || n <= f.max))
        .map((n) => [String(n)]);
    }
    case 'enum':
      return (f.choices ?? []).filter((c) => c !== f.default).map((c) => [c]);
    case 'string':
    case 'list':
    case 'map':
      return [['x-sample']];
  }
}

/** The config as data, without the per-start instance id. */
function shape(argv: string[], env: Env): string {
  return JSON.stringify({ ...parseLaunchArgs(argv, env), instanceId: '' });
}

for (const f of LAUNCH_FLAGS) {
  test(`${f.flag} reaches the config`, () => {
    const ctx = CONTEXT[f.flag] ?? {};
    const env: Env = { HF_HOME: '/hf', ...ctx.env };
    const base = shape(ctx.args ?? [], env);
    const changed = candidates(f).some((values) => {
      try {
        return shape([...(ctx.args ?? []), f.flag, ...values], env) !== base;
      } catch {
        return false; // not a valid value for this flag: try the next one
      }
    });
    assert.ok(changed, `no value of ${f.flag} changes the config`);
  });
}

test('flag names and aliases are unique, and none is also refused as unsupported', () => {
  const names = LAUNCH_FLAGS.flatMap((f) => [f.flag, ...f.aliases]);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.ok(!UNSUPPORTED_SMG_FLAGS.includes(n), n);
});
