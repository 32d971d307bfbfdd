import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockEngine, type MockEngine } from '../../src/mock-engine';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { call, startInstance, until, type Instance } from '../helpers/ha-cluster';
import { Redis } from 'ioredis';
import { request } from 'undici';

const LIMITS = `
default_policy:
  model_rules:
    - rule_id: mock-tokens
      matcher: { type: prefix, value: mock }
      tokens_per_minute: 60
tenants:
  - tenant_key: auth:team-a
    requests_per_minute: 4
  - tenant_key: auth:team-c
    tokens_per_minute: 50
`;

/** Fixed one-minute windows: start a counting test well inside one. */
async function awayFromMinuteEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 200));
}

/**
 * Tenant budgets counted cluster-wide: two built CLI instances share one redis-server; a
 * tenant's requests per minute and tokens per minute hold across both.
 */
describe('tenant rate limits across two instances', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let engine: MockEngine;
  let slow: MockEngine;
  let dir: string;
  let a: Instance;
  let b: Instance;

  before(async () => {
    redis = await startRedisServer();
    engine = await startMockEngine({ host: '127.0.0.1', port: 0 });
    slow = await startMockEngine({ host: '127.0.0.1', port: 0, model: 'slow', tokenDelayMs: 50 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-tenants-'));
    const file = path.join(dir, 'limits.yaml');
    fs.writeFileSync(file, LIMITS);
    const args = [
      ...['--worker-urls', engine.url, slow.url],
      ...['--tenant-api-key', 'team-a:key-a', 'team-b:key-b', 'team-c:key-c'],
      ...['--tenant-rate-limit-enabled', '--tenant-rate-limit-config', file],
    ];
    [a, b] = await Promise.all([
      startInstance('ta', redis.url, args),
      startInstance('tb', redis.url, args),
    ]);
  });

  after(async () => {
    await Promise.all([a, b].map((i) => i?.proc.stop()));
    await engine?.close();
    await slow?.close();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const chat = (inst: Instance, key: string) =>
    call(
      `${inst.url}/v1/chat/completions`,
      'POST',
      { model: 'mock-model', max_tokens: 5, messages: [{ role: 'user', content: 'hello there' }] },
      { authorization: `Bearer ${key}` },
    );

  test('requests per minute hold across instances; 429 with SMG’s code and Retry-After', async () => {
    await awayFromMinuteEdge();
    const statuses: number[] = [];
    let rejected: Awaited<ReturnType<typeof chat>> | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await chat(i % 2 === 0 ? a : b, 'key-a');
      statuses.push(r.status);
      if (r.status === 429) rejected = r;
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429, 429, 429]);
    assert.ok(rejected);
    const body = rejected.json<{ error: { code: string; message: string } }>();
    assert.equal(body.error.code, 'tenant_rate_limit_exceeded');
    assert.equal(body.error.message, 'Tenant rate limit exceeded for this request');
    const retry = Number(rejected.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  });

  test('tokens per minute are settled from reported usage and shared by both instances', async () => {
    await awayFromMinuteEdge();
    let admitted = 0;
    let tokens = 0;
    let limited = false;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await chat(i % 2 === 0 ? a : b, 'key-b');
      if (r.status === 429) {
        limited = true;
        break;
      }
      assert.equal(r.status, 200);
      admitted++;
      tokens += r.json<{ usage: { total_tokens: number } }>().usage.total_tokens;
    }
    assert.ok(limited, `never limited after ${admitted} requests (${tokens} tokens)`);
    assert.ok(tokens >= 60, `limited at ${tokens} tokens (budget 60)`);
    // settlement is asynchronous: allow a couple of requests in flight past the budget
    const per = tokens / admitted;
    assert.ok(tokens < 60 + 3 * per, `${tokens} tokens admitted (budget 60, ${per}/request)`);
  });

  test('a stream the client abandons is still charged (estimated) to the tenant', async () => {
    await awayFromMinuteEdge();
    const r = await request(`${a.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key-c' },
      body: JSON.stringify({
        model: 'slow',
        stream: true,
        max_tokens: 500,
        messages: [{ role: 'user', content: 'tell me a long story '.repeat(40) }],
      }),
    });
    assert.equal(r.statusCode, 200);
    let seen = '';
    for await (const chunk of r.body) {
      seen += String(chunk);
      if (seen.split('data:').length > 3) break; // leave after a few events, before any usage
    }
    r.body.destroy();
    // ~840 prompt bytes ≈ 210 tokens are charged when the gateway sees the client leave
    const admin = new Redis(redis.url);
    admin.on('error', () => undefined);
    try {
      const key = 'collie:v1:{ha}:tenant:auth:team-c|*';
      await until('settled', async () => {
        const tok = Number(await admin.hget(key, 'tok'));
        return tok >= 200 ? true : undefined;
      });
    } finally {
      admin.disconnect();
    }
    // the budget (50) is spent for the whole cluster: B refuses the next request
    assert.equal((await chat(b, 'key-c')).status, 429);
  });
});
