import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLaunchArgs, ConfigError } from '../../src/config/parse';
import { clusterNodes } from '../../src/state/redis-client';

void test('redis+cluster:// URLs name seed nodes; anything malformed is refused by name', () => {
  assert.deepEqual(clusterNodes('redis+cluster://10.0.0.1:7000,[::1]:7001/'), [
    { host: '10.0.0.1', port: 7000 },
    { host: '::1', port: 7001 },
  ]);
  for (const bad of [
    'redis+cluster://',
    'redis+cluster://h',
    'redis+cluster://h:0',
    'redis+cluster://h:1,',
  ]) {
    assert.throws(() => clusterNodes(bad), /expected host:port seed nodes/);
  }
});

void test('--redis-url accepts redis://, rediss:// and redis+cluster://, nothing else', () => {
  const base = ['--worker-urls', 'http://127.0.0.1:1'];
  for (const url of [
    'redis://127.0.0.1:6379/0',
    'rediss://r:6380',
    'redis+cluster://a:7000,b:7001',
  ]) {
    assert.equal(parseLaunchArgs([...base, '--redis-url', url]).redisUrl, url);
  }
  for (const url of ['http://x:1', 'redis+cluster://a', 'localhost:6379']) {
    assert.throws(() => parseLaunchArgs([...base, '--redis-url', url]), ConfigError);
  }
});
