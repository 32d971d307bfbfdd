import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchArgs } from '../../../src/config/parse';
import { freezeConfig } from '../../../src/config/freeze';
import type { GatewayConfig } from '../../../src/config/config';

// Compiled as strict-mode code: a write to a frozen object throws TypeError.

function assertDeepFrozen(c: GatewayConfig): void {
  assert.throws(() => {
    const retry: { maxAttempts: number } = c.retry; // readonly in the type, frozen at runtime
    retry.maxAttempts = 99;
  }, TypeError);
  assert.throws(() => {
    const hub: { endpoint: string } = c.tokenizer.hub;
    hub.endpoint = 'http://elsewhere';
  }, TypeError);
  assert.throws(() => {
    const blockSize: { blockSize: number } = c.cacheAware;
    blockSize.blockSize = 1;
  }, TypeError);
  assert.throws(() => Reflect.apply(Array.prototype.push, c.workerUrls, ['http://x:1']), TypeError);
  assert.throws(() => {
    const key: { key: string } | undefined = c.auth.tenantApiKeys[0];
    if (key) key.key = 'stolen';
  }, TypeError);
  assert.equal(c.retry.maxAttempts, 2);
  assert.deepEqual(c.workerUrls, ['http://a:1']);
}

const argv = ['--worker-urls', 'http://a:1', '--retry-max-retries', '2', '--tenant-api-key', 't:k'];

test('the parsed config is deep-frozen', () => {
  assertDeepFrozen(parseLaunchArgs(argv, { HF_HOME: '/hf' }));
});

test('a config received over IPC (structured clone) is frozen again by freezeConfig', () => {
  const cloned = structuredClone(parseLaunchArgs(argv, { HF_HOME: '/hf' }));
  assert.ok(!Object.isFrozen(cloned.retry));
  assertDeepFrozen(freezeConfig(cloned));
});
