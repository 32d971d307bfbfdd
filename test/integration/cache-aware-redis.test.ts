import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { chat, routeChat, workerUrl } from '../helpers/routing';
import type { MockEngine } from '../../src/mock-engine';

describe('two collie instances sharing a real redis-server', () => {
  let redis: RedisServer;
  let engines: MockEngine[];
  let gw1: TestGateway;
  let gw2: TestGateway;

  before(async () => {
    redis = await startRedisServer();
    engines = await startEngines(4);
    const flags = [
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
      '--redis-url',
      redis.url,
    ];
    gw1 = await startTestGateway(flags);
    gw2 = await startTestGateway(flags);
  });
  after(async () => {
    await closeAll(gw1, gw2, engines);
    await redis.stop();
  });

  test('a prefix routed by one instance is a hit on the other', async () => {
    const system = 'Instance-shared system prompt for the billing assistant. '.repeat(12);
    const first = await routeChat(gw1, system, 'invoice 1');
    const target = await workerUrl(gw1, first.worker);
    await new Promise((r) => setTimeout(r, 300)); // a few routing-event batches
    const r = await routeChat(gw2, system, 'invoice 1, again');
    assert.equal(r.reason, 'hit');
    assert.equal(await workerUrl(gw2, r.worker), target);
  });

  test('Redis killed: both keep routing on their replicas; after a restart sharing resumes', async () => {
    await redis.stop();
    const during = 'Prompt routed while Redis is down. '.repeat(12);
    for (const gw of [gw1, gw2])
      assert.equal(
        (await postJson(`${gw.url}/v1/chat/completions`, chat(during, 'x'))).status,
        200,
      );
    await redis.restart();
    const after = 'Prompt routed after Redis came back. '.repeat(12);
    // the buses reconnect with backoff; wait until a fresh prefix from gw1 reaches gw2
    await eventually(async () => {
      const probe = `${after} probe ${Date.now()} `.repeat(3);
      const first = await routeChat(gw1, probe, 'y');
      await new Promise((res) => setTimeout(res, 300));
      const r = await routeChat(gw2, probe, 'y, again');
      return (
        r.reason === 'hit' &&
        (await workerUrl(gw2, r.worker)) === (await workerUrl(gw1, first.worker))
      );
    }, 15_000);
  });
});

describe('in-flight load shared between instances through Redis', () => {
  test('least_load on instance 2 sees the stream instance 1 holds open', async () => {
    const redis = await startRedisServer();
    const engines = await startEngines(2, { tokenDelayMs: 100 });
    const flags = [
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'least_load',
      '--redis-url',
      redis.url,
    ];
    const gw1 = await startTestGateway(flags);
    const gw2 = await startTestGateway(flags);
    try {
      const long = await postJson(`${gw1.url}/v1/chat/completions`, {
        model: 'mock-model',
        stream: true,
        max_tokens: 30,
        messages: [{ role: 'user', content: 'hold this stream open' }],
      });
      const busyId = long.headers.get('x-collie-worker') ?? '';
      const busyUrl = await workerUrl(gw1, busyId);
      await eventually(async () => {
        const r = await postJson(`${gw2.url}/v1/chat/completions`, {
          model: 'mock-model',
          max_tokens: 1,
          messages: [{ role: 'user', content: 'quick' }],
        });
        await r.text();
        return (await workerUrl(gw2, r.headers.get('x-collie-worker') ?? '')) !== busyUrl;
      }, 2000);
      // every further request from instance 2 avoids the engine instance 1 keeps busy
      for (let i = 0; i < 5; i++) {
        const r = await postJson(`${gw2.url}/v1/chat/completions`, {
          model: 'mock-model',
          max_tokens: 1,
          messages: [{ role: 'user', content: `quick ${i}` }],
        });
        await r.text();
        assert.notEqual(await workerUrl(gw2, r.headers.get('x-collie-worker') ?? ''), busyUrl);
      }
      await long.text();
    } finally {
      await closeAll(gw1, gw2, engines);
      await redis.stop();
    }
  });
});
