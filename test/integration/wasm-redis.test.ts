import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import type { MockEngine } from '../../src/mock-engine';
import { BEHAVIOURS, buildComponent, moduleDir, writeModule } from '../helpers/wasm-components';

/** --redis-url: modules registered on one instance apply on every instance (bytes by SHA-256). */
describe('WASM modules shared through Redis by two instances', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let engine: MockEngine;
  let a: TestGateway;
  let b: TestGateway;
  before(async () => {
    redis = await startRedisServer();
    [engine] = (await startEngines(1)) as [MockEngine];
    const flags = ['--enable-wasm', '--redis-url', redis.url, '--worker-urls', engine.url];
    a = await startTestGateway(flags);
    b = await startTestGateway(flags);
  });
  after(async () => {
    await closeAll(a, b, engine);
    await redis.stop();
  });

  const chat = (gw: TestGateway): Promise<number> =>
    postJson(`${gw.url}/v1/chat/completions`, {
      model: engine.model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  const list = async (gw: TestGateway): Promise<string[]> =>
    (
      (await (await fetch(`${gw.url}/wasm`)).json()) as { modules: Array<{ module_uuid: string }> }
    ).modules.map((m) => m.module_uuid);

  test('register on A → B runs it under the same uuid; duplicates refused on B; delete on B → gone on A', async () => {
    const file = writeModule(
      moduleDir(),
      'shared.wasm',
      await buildComponent(BEHAVIOURS.rejectOnHeader('content-type', 429), 3),
    );
    const descriptor = {
      name: 'shared',
      file_path: file,
      module_type: 'Middleware',
      attach_points: [{ Middleware: 'OnRequest' }],
      add_result: null,
    };
    const res = await postJson(`${a.url}/wasm`, { modules: [descriptor] });
    assert.equal(res.status, 200);
    const uuid = ((await res.json()) as { modules: Array<{ add_result: { Success: string } }> })
      .modules[0]?.add_result.Success;
    assert.equal(await chat(a), 429);
    await eventually(async () => (await chat(b)) === 429, 10_000);
    assert.deepEqual(await list(b), [uuid]);
    const dup = await postJson(`${b.url}/wasm`, { modules: [descriptor] });
    assert.equal(dup.status, 400);
    assert.match(await dup.text(), /check_duplicate/);
    const del = await fetch(`${b.url}/wasm/${uuid ?? ''}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal(await chat(b), 200);
    await eventually(async () => (await chat(a)) === 200, 10_000);
    assert.deepEqual(await list(a), []);
  });

  test('Redis down: a registration applies on its own instance, nothing blocks', async () => {
    await redis.stop();
    try {
      const file = writeModule(
        moduleDir(),
        'local.wasm',
        await buildComponent(BEHAVIOURS.rejectOnHeader('content-type', 503), 4),
      );
      const res = await postJson(`${a.url}/wasm`, {
        modules: [
          {
            name: 'local',
            file_path: file,
            module_type: 'Middleware',
            attach_points: [{ Middleware: 'OnRequest' }],
            add_result: null,
          },
        ],
      });
      assert.equal(res.status, 200);
      const uuid = ((await res.json()) as { modules: Array<{ add_result: { Success: string } }> })
        .modules[0]?.add_result.Success;
      assert.equal(await chat(a), 503);
      assert.equal(await chat(b), 200);
      const del = await fetch(`${a.url}/wasm/${uuid ?? ''}`, { method: 'DELETE' });
      assert.equal(del.status, 200);
      assert.equal(await chat(a), 200);
    } finally {
      await redis.restart();
    }
  });
});
