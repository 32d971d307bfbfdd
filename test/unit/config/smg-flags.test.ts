import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseLaunchArgs, ConfigError } from '../../../src/config/parse';

/**
 * Every flag of `smg launch` is known by name: either collie implements it, or it is refused
 * with a message naming it. This list is written out here (from SMG's CLI) on purpose, not
 * imported, so that dropping a flag from collie's table is caught.
 */
const SMG_FLAGS = `--host --port --worker-urls --policy --cache-threshold --balance-abs-threshold
--balance-rel-threshold --eviction-interval --max-tree-size --max-idle-secs --assignment-mode
--prefix-token-count --prefix-hash-load-factor --dp-aware --enable-igw --pd-disaggregation --decode
--prefill --prefill-policy --decode-policy --worker-startup-timeout-secs
--worker-startup-check-interval --load-monitor-interval --service-discovery --selector
--service-discovery-port --service-discovery-namespace --prefill-selector --decode-selector --log-dir
--log-level --log-json --prometheus-port --prometheus-host --prometheus-duration-buckets
--request-id-headers --request-timeout-secs --shutdown-grace-period-secs --max-payload-size
--cors-allowed-origins --max-concurrent-requests --queue-size --queue-timeout-secs
--rate-limit-tokens-per-second --retry-max-retries --retry-initial-backoff-ms --retry-max-backoff-ms
--retry-backoff-multiplier --retry-jitter-factor --disable-retries --cb-failure-threshold
--cb-success-threshold --cb-timeout-duration-secs --cb-window-duration-secs --disable-circuit-breaker
--health-failure-threshold --health-success-threshold --health-check-timeout-secs
--health-check-interval-secs --health-check-endpoint --disable-health-check --model-path
--tokenizer-path --chat-template --served-model-name --tokenizer-cache-enable-l0
--tokenizer-cache-l0-max-entries --tokenizer-cache-enable-l1 --tokenizer-cache-l1-max-memory
--reasoning-parser --tool-call-parser --mcp-config-path --backend --runtime --history-backend
--enable-wasm --storage-hook-wasm-path --oracle-wallet-path --oracle-tns-alias --oracle-dsn
--oracle-user --oracle-password --oracle-external-auth --oracle-pool-min --oracle-pool-max
--oracle-pool-timeout-secs --postgres-db-url --postgres-pool-max-size --redis-url
--redis-pool-max-size --redis-retention-days --tls-cert-path --tls-key-path --enable-trace
--otlp-traces-endpoint --api-key --jwt-issuer --jwt-audience --jwt-jwks-uri --jwt-role-claim
--jwt-role-mapping --control-plane-api-keys --disable-audit-logging --enable-mesh --mesh-server-name
--mesh-host --mesh-port --mesh-peer-urls --mesh-advertise-host --health-check-port
--runtime-worker-threads --balance-token-usage-threshold --overload-token-usage-threshold
--least-load-kv-pressure-weight --least-load-default-throughput --least-load-mean-prefill-tokens
--routing-key-override --dp-minimum-tokens-scheduler --epd-disaggregation --encode --encode-policy
--encode-selector --router-selector --model-id-from --model-alias --model --engine-metrics
--multimodal-tensor-transport --multimodal-shm-min-bytes --trust-tenant-header --tenant-header-name
--remove-unhealthy-workers --drain-settle-secs --priority-scheduler-enabled
--priority-scheduler-default-max-class --priority-scheduler-config
--priority-scheduler-tenant-metric-top-n --tenant-rate-limit-enabled --tenant-rate-limit-config
--tenant-api-key --storage-context-headers --schema-config --webrtc-bind-addr --webrtc-stun-server
--worker-startup-delay --block-size`
  .split(/\s+/)
  .filter(Boolean);

test('no SMG launch flag is reported as unknown', () => {
  const unknown: string[] = [];
  for (const flag of SMG_FLAGS) {
    try {
      parseLaunchArgs([flag, 'x']);
    } catch (err) {
      assert.ok(err instanceof ConfigError, `${flag}: ${String(err)}`);
      if (/unknown flag/.test(err.message)) unknown.push(flag);
      else assert.ok(err.message.includes(flag) || !/SMG flag/.test(err.message), err.message);
    }
  }
  assert.deepEqual(unknown, []);
});

test('a flag collie does not implement is refused by name', () => {
  assert.throws(
    () => parseLaunchArgs(['--webrtc-bind-addr', '0.0.0.0:1']),
    /--webrtc-bind-addr is an SMG flag that collie does not support/,
  );
  assert.throws(() => parseLaunchArgs(['--frobnicate']), /unknown flag '--frobnicate'/);
});

const BIN = path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'collie.js');
function run(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('launch --version, -V and --version-verbose print as SMG and exit 0', () => {
  const { version } = require('../../../../package.json') as { version: string }; // eslint-disable-line @typescript-eslint/no-require-imports
  for (const args of [
    ['launch', '--version'],
    ['launch', '-V'],
    ['--version'],
    ['--port', '1', '--version'],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.out, `collie ${version}\n`);
  }
  const verbose = run('launch', '--version-verbose');
  assert.equal(verbose.code, 0);
  assert.match(
    verbose.out,
    new RegExp(`^collie ${version.replace(/\./g, '\\.')}\\n\\nBuild Information:`),
  );
  assert.match(verbose.out, /Node\.js \d+\./);
});
