import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { runCollie, startCliGateway } from '../helpers/processes';
import {
  call,
  exited,
  live,
  nodeNames,
  offer,
  startInstance,
  until,
  type Instance,
} from '../helpers/ha-cluster';

/**
 * Three built CLI instances on one redis-server started here: membership and departures,
 * the /ha/* routes read across instances, the global rate limit's accuracy, and a Redis
 * restart in the middle. Order matters: later tests stop instances.
 */
describe('cluster over Redis: three instances', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let engine: MockEngine;
  let a: Instance;
  let b: Instance;
  let c: Instance;

  before(async () => {
    redis = await startRedisServer();
    engine = await startMockEngine({ host: '127.0.0.1', port: 0 });
    [a, b, c] = await Promise.all([
      startInstance('node-a', redis.url, ['--worker-urls', engine.url]),
      startInstance('node-b', redis.url, ['--workers', '2']),
      startInstance('node-c', redis.url),
    ]);
  });

  after(async () => {
    await Promise.all([a, b, c].map((i) => i?.proc.stop()));
    await engine?.close();
    await redis?.stop();
  });

  test('every instance lists all three nodes with SMG’s status shape', async () => {
    for (const inst of [a, b, c]) {
      await until(`${inst.name} sees 3 nodes`, async () =>
        (await nodeNames(inst)).length === 3 ? true : undefined,
      );
    }
    const s = (await call(`${b.url}/ha/status`)).json<{
      node_name: string;
      node_count: number;
      nodes: Array<{ name: string; address: string; status: string; version: string }>;
      stores: Record<string, number>;
    }>();
    assert.equal(s.node_name, 'node-b');
    assert.equal(s.node_count, 3);
    assert.deepEqual(
      s.nodes.map((n) => n.name),
      ['node-a', 'node-b', 'node-c'],
    );
    for (const n of s.nodes) {
      assert.equal(n.status, 'Alive');
      assert.match(n.address, /^127\.0\.0\.1:\d+$/);
      assert.match(n.version, /^\d+\.\d+\.\d+/);
    }
    assert.deepEqual(Object.keys(s.stores).sort(), [
      'app_count',
      'membership_count',
      'policy_count',
      'worker_count',
    ]);
    const h = (await call(`${c.url}/ha/health`)).json();
    assert.equal(h['status'], 'healthy');
    assert.equal(h['node_name'], 'node-c');
    assert.equal(h['cluster_size'], 3);
    assert.equal(h['stores_healthy'], true);
  });

  test('a node name held by a live instance is refused at startup', async () => {
    const dup = runCollie([
      'launch',
      ...['--host', '127.0.0.1', '--port', '0', '--workers', '1'],
      ...['--redis-url', redis.url, '--mesh-server-name', 'node-a'],
    ]);
    assert.equal(await exited(dup), 1);
    assert.match(dup.output(), /--mesh-server-name 'node-a' is already used by a live instance/);
  });

  test('/ha/workers and /ha/policies list the workers with health and load', async () => {
    const workers = await until('worker listed', async () => {
      const r = (await call(`${a.url}/ha/workers`)).json<Array<Record<string, unknown>>>();
      return r.length === 1 && r[0]?.['health'] === true ? r : undefined;
    });
    const w = workers[0] as Record<string, unknown>;
    assert.equal(w['url'], engine.url);
    assert.equal(w['model_id'], engine.model);
    assert.equal(typeof w['load'], 'number');
    assert.equal(typeof w['version'], 'number');
    assert.ok(Array.isArray(w['spec']));
    const one = await call(`${a.url}/ha/workers/${String(w['worker_id'])}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.json()['worker_id'], w['worker_id']);
    const missing = await call(`${a.url}/ha/workers/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: 'Worker not found' });
    const policies = (await call(`${a.url}/ha/policies`)).json<Array<Record<string, unknown>>>();
    assert.deepEqual(
      policies.map((p) => [p['model_id'], p['policy_type']]),
      [[engine.model, 'cache_aware']],
    );
    const p = await call(`${a.url}/ha/policies/${encodeURIComponent(engine.model)}`);
    assert.equal(p.status, 200);
    const np = await call(`${a.url}/ha/policies/none`);
    assert.deepEqual([np.status, np.json()], [404, { error: 'Policy not found' }]);
  });

  test('config written on one instance is read on the others; bad input is refused', async () => {
    const w = await call(`${a.url}/ha/config`, 'POST', { key: 'feature', value: 'C0FFEE' });
    assert.deepEqual([w.status, w.json()], [200, { status: 'updated', key: 'feature' }]);
    for (const inst of [b, c]) {
      const r = await call(`${inst.url}/ha/config/feature`);
      assert.deepEqual(r.json(), { key: 'feature', value: 'c0ffee', format: 'hex' });
    }
    const bad = async (body: unknown): Promise<[number, string]> => {
      const r = await call(`${b.url}/ha/config`, 'POST', body);
      return [r.status, r.text];
    };
    assert.deepEqual(await bad({ key: 'k', value: 'abc' }), [
      400,
      '{"error":"Hex string must have even length"}',
    ]);
    assert.deepEqual(await bad({ key: 'k', value: 'zz' }), [
      400,
      '{"error":"Invalid hex encoding"}',
    ]);
    const huge = await bad({ key: 'k', value: 'ab'.repeat(64 * 1024 + 1) });
    assert.equal(huge[0], 400);
    assert.match(huge[1], /Config value too large: 65537 bytes \(max 65536\)/);
    assert.equal((await bad({ key: '', value: 'ab' }))[0], 400);
    const noKey = await bad({ value: 'ab' });
    assert.equal(noKey[0], 422);
    assert.match(noKey[1], /missing field `key`/);
    assert.equal((await bad('{"key":')).at(0), 400);
    const bigBody = await bad({ key: 'k', value: 'ab'.repeat(1024 * 1024) });
    assert.deepEqual(bigBody, [400, '{"error":"Config value too large (max 65536 bytes)"}']);
    const longKey = await call(`${c.url}/ha/config/${'k'.repeat(5000)}`);
    assert.deepEqual([longKey.status, longKey.text], [404, '{"error":"Config not found"}']);
    const unknown = await call(`${c.url}/ha/config/never-written`);
    assert.deepEqual([unknown.status, unknown.json()], [404, { error: 'Config not found' }]);
  });

  test('conflicting concurrent config writes from two instances converge everywhere', async () => {
    const writes = [];
    for (let i = 0; i < 20; i++) {
      const inst = i % 2 === 0 ? a : b;
      writes.push(call(`${inst.url}/ha/config`, 'POST', { key: 'race', value: `0${i % 10}` }));
    }
    for (const r of await Promise.all(writes)) assert.equal(r.status, 200);
    const seen = await Promise.all(
      [a, b, c].map(async (i) => (await call(`${i.url}/ha/config/race`)).json()['value']),
    );
    assert.equal(new Set(seen).size, 1, `instances disagree: ${seen.join(',')}`);
  });

  test('rate-limit settings: SMG shapes, negative and absurd limits refused', async () => {
    const none = await call(`${b.url}/ha/rate-limit`);
    assert.deepEqual(
      [none.status, none.json()],
      [404, { error: 'Global rate limit not configured' }],
    );
    const unlimited = (await call(`${b.url}/ha/rate-limit/stats`)).json();
    assert.equal(unlimited['remaining'], -1);
    const neg = await call(`${a.url}/ha/rate-limit`, 'POST', { limit_per_second: -1 });
    assert.equal(neg.status, 422);
    const frac = await call(`${a.url}/ha/rate-limit`, 'POST', { limit_per_second: 1.5 });
    assert.equal(frac.status, 422);
    const absurd = await call(`${a.url}/ha/rate-limit`, 'POST', { limit_per_second: 1e15 });
    assert.deepEqual(
      [absurd.status, absurd.json()],
      [400, { error: 'limit_per_second must be at most 1000000000' }],
    );
  });

  test('global limit 40/s: two instances offered 60/s each admit 40/s ±10%', async () => {
    const set = await call(`${a.url}/ha/rate-limit`, 'POST', { limit_per_second: 40 });
    assert.deepEqual(set.json(), { status: 'updated', limit_per_second: 40 });
    const got = await call(`${c.url}/ha/rate-limit`);
    assert.deepEqual(got.json(), { limit_per_second: 40 });
    // the ingress processes poll the setting every 500 ms
    await until('limit applied on b', async () => {
      const r = await offer([b.url], 100, 0.3);
      return r.statuses.includes(429) ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1100)); // refill after the probe above
    const { statuses, elapsedSec } = await offer([a.url, b.url], 60, 5);
    const limited = statuses.filter((s) => s === 429).length;
    const admitted = statuses.length - limited;
    const expected = 40 * elapsedSec;
    assert.ok(!statuses.includes(0), 'every request answered');
    assert.ok(
      admitted >= expected * 0.9 && admitted <= expected * 1.1 + 4,
      `admitted ${admitted} over ${elapsedSec.toFixed(2)} s, expected ${expected.toFixed(0)} ±10%`,
    );
    const r429 = await call(`${a.url}/v1/chat/completions`, 'POST', {
      model: 'x',
      messages: [{ role: 'user', content: 'x' }],
    });
    if (r429.status === 429) {
      assert.equal(
        r429.json<{ error: { code: string } }>().error.code,
        'global_rate_limit_exceeded',
      );
      assert.ok(Number(r429.headers['retry-after']) >= 1);
    }
    const stats = (await call(`${b.url}/ha/rate-limit/stats`)).json();
    assert.equal(stats['limit_per_second'], 40);
    assert.equal(typeof stats['current_count'], 'number');
  });

  test('Redis killed and restarted: degraded, local limit, then healthy with nothing lost', async () => {
    await redis.stop();
    const h = await until('a degraded', async () => {
      const r = (await call(`${a.url}/ha/health`)).json();
      return r['status'] === 'degraded' ? r : undefined;
    });
    assert.equal(h['stores_healthy'], false);
    assert.deepEqual(h['rate_limit'], {
      mode: 'local',
      limit_per_second: 40,
      local_limit_per_second: 40 / 3,
    });
    // served from the mirror while Redis is away; writes are refused, never lost silently
    const read = await call(`${b.url}/ha/config/feature`);
    assert.equal(read.json()['value'], 'c0ffee');
    const write = await call(`${b.url}/ha/config`, 'POST', { key: 'later', value: '00' });
    assert.equal(write.status, 503);
    // routing keeps serving (admission falls back to the local share of the limit)
    const served = await call(`${a.url}/v1/chat/completions`, 'POST', {
      model: engine.model,
      messages: [{ role: 'user', content: 'during outage' }],
    });
    assert.ok([200, 429].includes(served.status), `status ${served.status}`);

    await redis.restart();
    for (const inst of [a, b, c]) {
      await until(`${inst.name} healthy again`, async () => {
        const r = (await call(`${inst.url}/ha/health`)).json();
        return r['status'] === 'healthy' && r['cluster_size'] === 3 ? true : undefined;
      });
    }
    await until('config and limit restored into the empty Redis', async () => {
      const cfg = (await call(`${c.url}/ha/config/feature`)).json();
      const lim = (await call(`${c.url}/ha/rate-limit`)).json();
      return cfg['value'] === 'c0ffee' && lim['limit_per_second'] === 40 ? true : undefined;
    });
    const off = await call(`${a.url}/ha/rate-limit`, 'POST', { limit_per_second: 0 });
    assert.equal(off.status, 200);
  });

  test('a SIGKILLed instance leaves the cluster within 15 s', async () => {
    c.proc.child.kill('SIGKILL');
    await exited(c.proc);
    const t0 = Date.now();
    await until(
      'a drops node-c',
      async () => ((await nodeNames(a)).includes('node-c') ? undefined : true),
      15_000,
    );
    assert.ok(Date.now() - t0 < 15_000);
  });

  test('POST /ha/shutdown: 202, that instance leaves at once and exits; the others serve', async () => {
    const r = await call(`${b.url}/ha/shutdown`, 'POST');
    assert.deepEqual([r.status, r.json()], [202, { status: 'shutdown initiated' }]);
    // gone from a's view while b may still be draining (leave happens before the drain)
    await until(
      'a drops node-b',
      async () => ((await nodeNames(a)).includes('node-b') ? undefined : true),
      5000,
    );
    assert.equal(await exited(b.proc, 30_000), 0);
    assert.deepEqual(await nodeNames(a), ['node-a']);
    const served = await call(`${a.url}/v1/chat/completions`, 'POST', {
      model: engine.model,
      messages: [{ role: 'user', content: 'still here' }],
    });
    assert.equal(served.status, 200);
  });
});

describe('/ha/* without --redis-url', () => {
  test('503 mesh not enabled, behind the data-plane API key', async () => {
    const { proc, url } = await startCliGateway(
      ['--workers', '1', '--api-key', 'sekret', '--shutdown-grace-period-secs', '1'],
      {
        waitReady: false,
      },
    );
    try {
      await live(url, proc);
      const anon = await call(`${url}/ha/status`);
      assert.equal(anon.status, 401);
      const auth = { authorization: 'Bearer sekret' };
      for (const [method, path] of [
        ['GET', '/ha/status'],
        ['GET', '/ha/health'],
        ['GET', '/ha/config/x'],
        ['POST', '/ha/shutdown'],
        ['GET', '/ha/rate-limit/stats'],
      ] as const) {
        const r = await call(`${url}${path}`, method, undefined, auth);
        assert.deepEqual([r.status, r.text], [503, '{"error":"mesh not enabled"}'], path);
      }
    } finally {
      await proc.stop();
    }
  });
});
