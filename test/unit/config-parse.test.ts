import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  parseLaunchArgs,
  launchHelp,
  launchFlagsMarkdown,
  ConfigError,
} from '../../src/config/parse';
import { LAUNCH_FLAGS } from '../../src/config/flags';

test('defaults follow SMG where collie implements the flag', () => {
  const c = parseLaunchArgs([]);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 30000);
  assert.equal(c.maxPayloadSize, 536870912);
  assert.equal(c.requestTimeoutSecs, 1800);
  assert.deepEqual(c.requestIdHeaders, [
    'x-request-id',
    'x-correlation-id',
    'x-trace-id',
    'request-id',
  ]);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.policy, 'cache_aware');
  assert.ok(c.ingressProcesses >= 1);
  assert.ok(Object.isFrozen(c));
});

test('lists take every following value, repeat, and accept --flag=value', () => {
  const c = parseLaunchArgs([
    '--worker-urls',
    'http://a:1',
    'http://b:2/',
    '--port=8080',
    '--worker-urls',
    'http://c:3',
    '--model-alias',
    'fast=llama',
    '--model-alias=big=qwen',
    '--log-json',
    '--workers',
    '2',
    '--request-id-headers',
    'Custom-Trace-Id',
  ]);
  assert.deepEqual(c.workerUrls, ['http://a:1', 'http://b:2', 'http://c:3']);
  assert.equal(c.port, 8080);
  assert.deepEqual(c.modelAliases, { fast: 'llama', big: 'qwen' });
  assert.equal(c.logJson, true);
  assert.equal(c.ingressProcesses, 2);
  assert.deepEqual(c.requestIdHeaders, ['custom-trace-id']);
});

test('--enable-mesh and --mesh-server-name with --redis-url', () => {
  const c = parseLaunchArgs(
    ['--redis-url', 'redis://h:1', '--enable-mesh', '--mesh-server-name', 'gw-1.eu'],
    {},
  );
  assert.equal(c.enableMesh, true);
  assert.equal(c.meshServerName, 'gw-1.eu');
});

const bad: Array<[string[], RegExp]> = [
  [['--bogus'], /unknown flag '--bogus'/],
  [['--port', 'abc'], /--port: expected an integer/],
  [['--port', '70000'], /--port: must be <= 65535/],
  [['--port'], /--port: expects a value/],
  [['--policy', 'fastest'], /--policy: invalid value 'fastest'/],
  [['--enable-mesh'], /--enable-mesh requires --redis-url/],
  [['--mesh-server-name', 'a'], /--mesh-server-name requires --redis-url/],
  [['--redis-url', 'redis://h:1', '--mesh-server-name', 'a b'], /--mesh-server-name: expected/],
  [['--mesh-host', '0.0.0.0'], /--mesh-host: collie has no peer-to-peer mesh.*--redis-url/],
  [['--mesh-port', '1'], /--mesh-port: collie has no peer-to-peer mesh/],
  [['--mesh-peer-urls', 'x'], /--mesh-peer-urls: collie has no peer-to-peer mesh/],
  [['--mesh-advertise-host', 'x'], /--mesh-advertise-host: collie has no peer-to-peer mesh/],
  [['--pd-disaggregation', '--decode-policy', 'bucket'], /bucket is a prefill-only policy/],
  [['--tenant-api-key', 'nocolon'], /--tenant-api-key/],
  [['--jwt-issuer', 'https://idp'], /--jwt-issuer and --jwt-audience must be given together/],
  // checked even when no JWT auth is configured (the value would be dropped otherwise)
  [['--jwt-role-mapping', 'bad'], /--jwt-role-mapping: expected IDP_ROLE=admin\|user/],
  [['--redis-url', 'http://x'], /--redis-url: expected redis:\/\/host:port/],
  [['--history-backend', 'redis'], /--history-backend is an SMG flag/],
  [['--worker-urls', 'ftp://x'], /invalid URL 'ftp:\/\/x'/],
  [['--worker-urls', 'grpc://x:1'], /gRPC\/IPC workers are not supported/],
  [['--worker-urls', 'http://a:1', 'http://a:1'], /duplicate URL/],
  [['--model-alias', 'noequals'], /expected ALIAS=MODEL/],
  [['--model-alias', 'a=x', '--model-alias', 'a=y'], /maps to both/],
  [['--workers', '0'], /--workers: must be >= 1/],
  [['--log-level', 'loud'], /--log-level: invalid value/],
  [['stray'], /unexpected argument 'stray'/],
];
for (const [argv, re] of bad) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(
      () => parseLaunchArgs(argv),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  });
}

test('--help documents every flag with its default', () => {
  const help = launchHelp();
  for (const f of LAUNCH_FLAGS) {
    assert.match(help, new RegExp(`${f.flag}\\b`));
  }
  assert.match(help, /--port <v>\s+.*\(default: 30000\)/);
});

test('the README flag table is the generated one', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  assert.ok(
    readme.includes(launchFlagsMarkdown()),
    'README flag table is stale: run npm run docs:flags',
  );
});
