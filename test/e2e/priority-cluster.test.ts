import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { call, exited, startInstance, until, type Instance } from '../helpers/ha-cluster';

const YAML = `
classes:
  bulk: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: false }
  default: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: false }
  interactive: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
  system: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
`;

const chat = (model: string) => ({
  model,
  max_tokens: 8,
  messages: [{ role: 'user', content: 'hi' }],
});

/**
 * The priority scheduler across instances: two built CLI instances on one
 * redis-server share one capacity of 4 slots (--max-concurrent-requests 4 on each).
 * `paced` generates 8 tokens 100 ms apart, `held` 3 s apart (a 24 s answer: no byte before).
 */
describe('priority scheduler across instances', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let paced: MockEngine;
  let held: MockEngine;
  let dir: string;
  let args: string[];
  let a: Instance;
  let b: Instance;

  before(async () => {
    redis = await startRedisServer();
    [paced, held] = await Promise.all([
      startMockEngine({ host: '127.0.0.1', port: 0, model: 'paced', tokenDelayMs: 100 }),
      startMockEngine({ host: '127.0.0.1', port: 0, model: 'held', tokenDelayMs: 3000 }),
    ]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-prio-cluster-'));
    const file = path.join(dir, 'scheduler.yaml');
    fs.writeFileSync(file, YAML);
    args = [
      ...['--worker-urls', paced.url, held.url, '--max-concurrent-requests', '4'],
      ...['--priority-scheduler-enabled', '--priority-scheduler-config', file],
      ...['--priority-scheduler-default-max-class', 'system'],
    ];
    [a, b] = await Promise.all([
      startInstance('pa', redis.url, args),
      startInstance('pb', redis.url, args),
    ]);
    for (const inst of [a, b]) {
      await until(`${inst.name} serves`, async () => {
        const r = await call(`${inst.url}/v1/chat/completions`, 'POST', chat('paced'));
        return r.status === 200 ? true : undefined;
      });
    }
  });

  after(async () => {
    await Promise.all([a, b].map((i) => i?.proc.stop()));
    await paced?.close();
    await held?.close();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('capacity 4 is shared: 4 + 4 concurrent requests, at most 4 run at once', async () => {
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, paced.stats().running)), 5);
    const t0 = performance.now();
    const replies = await Promise.all(
      [a, a, a, a, b, b, b, b].map((inst) =>
        call(`${inst.url}/v1/chat/completions`, 'POST', chat('paced')),
      ),
    );
    clearInterval(watch);
    assert.deepEqual(
      replies.map((r) => r.status),
      Array(8).fill(200),
    );
    assert.equal(peak, 4, `the engine saw ${peak} requests at once`);
    // two waves of ~0.8 s: the second four waited for slots
    assert.ok(performance.now() - t0 > 1400, 'no request waited');
  });

  test('an interactive request on one instance preempts a bulk request held by the other', async () => {
    const bulk = [0, 1, 2, 3].map(() =>
      call(`${a.url}/v1/chat/completions`, 'POST', chat('held'), { 'x-smg-priority': 'bulk' }),
    );
    await until('4 bulk requests reach the engine', () =>
      Promise.resolve(held.stats().running + held.stats().waiting >= 4 ? true : undefined),
    );
    const fast = await call(`${b.url}/v1/chat/completions`, 'POST', chat('paced'), {
      'x-smg-priority': 'interactive',
    });
    assert.equal(fast.status, 200);
    const first = await Promise.race(bulk);
    assert.equal(first.status, 503);
    assert.equal(first.headers['x-smg-error-code'], 'scheduler_preempted');
    assert.equal(first.headers['x-smg-preempted'], 'true');
    // the interactive request's slot is free again; four system requests take it and
    // preempt the three bulk requests still held
    const more = await Promise.all(
      [0, 1, 2, 3].map(() =>
        call(`${b.url}/v1/chat/completions`, 'POST', chat('paced'), { 'x-smg-priority': 'system' }),
      ),
    );
    assert.deepEqual(
      more.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.deepEqual(
      (await Promise.all(bulk)).map((r) => r.status),
      [503, 503, 503, 503],
    );
  });

  test("a killed instance's slots return to the cluster", async () => {
    // b takes all 4 slots with requests that would run 24 s (default: nobody preempts them)
    for (let i = 0; i < 4; i++) {
      void call(`${b.url}/v1/chat/completions`, 'POST', chat('held')).catch(() => undefined);
    }
    await until('b holds 4 slots', () =>
      Promise.resolve(held.stats().running + held.stats().waiting >= 4 ? true : undefined),
    );
    b.proc.child.kill('SIGKILL');
    await exited(b.proc);
    const t0 = Date.now();
    const r = await call(`${a.url}/v1/chat/completions`, 'POST', chat('paced'));
    assert.equal(r.status, 200);
    // b's lease on life is 5 s; any call after that reclaims its slots
    assert.ok(Date.now() - t0 < 12_000, `waited ${Date.now() - t0} ms for a reclaimed slot`);
  });
});
