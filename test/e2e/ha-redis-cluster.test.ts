import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { redisSkip, startRedisCluster, type RedisCluster } from '../helpers/redis-server';
import { call, nodeNames, offer, startInstance, until, type Instance } from '../helpers/ha-cluster';

/**
 * The same cluster over a three-master Redis Cluster: every {ha} key shares one hash tag,
 * so the Lua scripts (membership claim, token bucket, last-writer-wins entries) run there.
 */
describe('cluster over a Redis Cluster', { skip: redisSkip() }, () => {
  let redis: RedisCluster;
  let engine: MockEngine;
  let a: Instance;
  let b: Instance;

  before(async () => {
    redis = await startRedisCluster(3);
    engine = await startMockEngine({ host: '127.0.0.1', port: 0, workerId: 'engine-rc' });
    [a, b] = await Promise.all([
      startInstance('rc-a', redis.url),
      startInstance('rc-b', redis.url),
    ]);
  });

  after(async () => {
    await Promise.all([a, b].map((i) => i?.proc.stop()));
    await engine?.close();
    await redis?.stop();
  });

  test('membership, config, workers and the global limit work across instances', async () => {
    await until('a sees both', async () =>
      (await nodeNames(a)).join(',') === 'rc-a,rc-b' ? true : undefined,
    );
    const w = await call(`${a.url}/ha/config`, 'POST', { key: 'k', value: '0102' });
    assert.equal(w.status, 200);
    assert.equal((await call(`${b.url}/ha/config/k`)).json()['value'], '0102');
    assert.equal((await call(`${a.url}/workers`, 'POST', { url: engine.url })).status, 202);
    await until('b routes to the worker added on a', async () => {
      const r = await call(`${b.url}/v1/chat/completions`, 'POST', {
        model: engine.model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      return r.headers['x-worker-id'] === 'engine-rc' ? true : undefined;
    });
    await call(`${b.url}/ha/rate-limit`, 'POST', { limit_per_second: 5 });
    await until('limit enforced on a', async () => {
      const { statuses } = await offer([a.url], 50, 0.4);
      return statuses.includes(429) ? true : undefined;
    });
    assert.equal((await call(`${a.url}/ha/health`)).json()['status'], 'healthy');
  });
});
