import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from 'ioredis';
import {
  startEngines,
  startTestGateway,
  closeAll,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-server';
import { clusterNodes } from '../../src/state/redis-client';
import { routeChat, workerUrl } from '../helpers/routing';
import type { MockEngine } from '../../src/mock-engine';

describe('two collie instances sharing a real 3-node Redis Cluster (--redis-url redis+cluster://…)', () => {
  let cluster: RedisCluster;
  let engines: MockEngine[];
  let gw1: TestGateway;
  let gw2: TestGateway;

  before(async () => {
    cluster = await startRedisCluster(3);
    engines = await startEngines(4);
    const flags = [
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
      '--redis-url',
      cluster.url,
    ];
    gw1 = await startTestGateway(flags);
    gw2 = await startTestGateway(flags);
  });
  after(async () => {
    await closeAll(gw1, gw2, engines);
    await cluster.stop();
  });

  test('a prefix routed by one instance is a hit on the other', async () => {
    const system = 'Cluster-shared system prompt for the shipping assistant. '.repeat(12);
    const first = await routeChat(gw1, system, 'parcel 1');
    // routing events reach the other instance within a few batches
    await new Promise((r) => setTimeout(r, 300));
    let last = { worker: '', reason: '' };
    await eventually(async () => {
      last = await routeChat(gw2, system, `parcel 1, again ${Date.now()}`);
      return last.reason === 'hit';
    }, 5000);
    assert.equal(last.reason, 'hit');
    assert.equal(await workerUrl(gw2, last.worker), await workerUrl(gw1, first.worker));
  });

  test('the bus keys live in one slot of the cluster, hash-tagged', async () => {
    const client = new Cluster(clusterNodes(cluster.url));
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const all: string[] = [];
      for (const node of client.nodes('master')) all.push(...(await node.keys('collie:*')));
      // the state bus's keys share {state}; the cluster's (/ha, membership) share {ha}
      const keys = all.filter((k) => !k.includes('{ha}'));
      assert.ok(keys.length >= 2, `bus keys: ${keys.join(', ')}`);
      for (const k of keys) assert.match(k, /\{state\}/);
      for (const group of [keys, all.filter((k) => k.includes('{ha}'))]) {
        const slots = new Set(
          await Promise.all(group.map((k) => client.call('CLUSTER', 'KEYSLOT', k))),
        );
        assert.ok(slots.size <= 1, group.join(', '));
      }
    } finally {
      client.disconnect();
    }
  });
});
