import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import { redisSkip, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { BEHAVIOURS, buildComponent, moduleDir, writeModule } from '../helpers/wasm-components';
import { registerTokenizer } from '../helpers/tokenizer-api';
import { seriesOf } from '../unit/metrics/exposition';
import type { MockEngine } from '../../src/mock-engine';
import type { Snapshot } from '../../src/dashboard/types';

const ROUTES = ['/dashboard', '/dashboard/', '/dashboard/api/snapshot', '/dashboard/api/events'];
const WORDPIECE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'tokenizers',
  'wordpiece',
);

test('--disable-dashboard: the console and its APIs are not there (404)', async () => {
  const gw = await startTestGateway(['--disable-dashboard']);
  try {
    for (const p of ROUTES) {
      const r = await fetch(gw.url + p);
      assert.equal(r.status, 404, p);
      await r.text();
    }
  } finally {
    await gw.close();
  }
});

describe(
  'snapshot of an instance with Redis, WASM plugins and a tokenizer',
  { skip: redisSkip() },
  () => {
    let redis: RedisServer;
    let engine: MockEngine;
    let gw: TestGateway;
    const snapshot = async (): Promise<Snapshot> =>
      (await (await fetch(`${gw.url}/dashboard/api/snapshot`)).json()) as Snapshot;

    before(async () => {
      redis = await startRedisServer();
      [engine] = (await startEngines(1)) as [MockEngine];
      gw = await startTestGateway([
        ...['--redis-url', redis.url, '--mesh-server-name', 'node-a'],
        ...['--enable-wasm', '--worker-urls', engine.url, '--policy', 'round_robin'],
      ]);
    });
    after(async () => {
      await closeAll(gw, engine);
      await redis.stop();
    });

    test('the page is served without control-plane auth configured, like the admin routes', async () => {
      const r = await fetch(`${gw.url}/dashboard`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await r.text(), /<h1>collie <span>operator console<\/span><\/h1>/);
      const slash = await fetch(`${gw.url}/dashboard/`, { redirect: 'manual' });
      assert.deepEqual([slash.status, slash.headers.get('location')], [308, '../dashboard']);
      const head = await fetch(`${gw.url}/dashboard/api/events`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.match(head.headers.get('content-type') ?? '', /^text\/event-stream/);
    });

    test('cluster: this node with its version and heartbeat; the global limit and its use', async () => {
      const set = await postJson(`${gw.url}/ha/rate-limit`, { limit_per_second: 1000 });
      assert.equal(set.status, 200);
      const s = await snapshot();
      assert.ok(s.cluster);
      assert.equal(s.cluster.node, 'node-a');
      assert.equal(s.cluster.redis_connected, true);
      const [self] = s.cluster.nodes;
      assert.deepEqual(
        [self?.name, self?.status, self?.version, self?.self],
        ['node-a', 'Alive', s.instance.version, true],
      );
      assert.ok((self?.heartbeat_age_ms ?? -1) >= 0 && (self?.heartbeat_age_ms ?? 1e9) <= 5000);
      assert.equal(s.cluster.global_limit.limit_per_second, 1000);
      assert.equal(typeof s.cluster.global_limit.current_count, 'number');
    });

    test('plugins: each WASM module with its executions and failures, as /metrics counts them', async () => {
      const dir = moduleDir();
      const modules = [
        { name: 'pass', bytes: await buildComponent(BEHAVIOURS.continue(), 901) },
        { name: 'boom', bytes: await buildComponent(BEHAVIOURS.trap(), 902) },
      ];
      const r = await postJson(`${gw.url}/wasm`, {
        modules: modules.map((m) => ({
          name: m.name,
          file_path: writeModule(dir, `${m.name}.wasm`, m.bytes),
          module_type: 'Middleware',
          attach_points: [{ Middleware: 'OnRequest' }],
          add_result: null,
        })),
      });
      assert.equal(r.status, 200, await r.text());
      for (let i = 0; i < 3; i++) {
        const chat = await postJson(`${gw.url}/v1/chat/completions`, {
          model: engine.model,
          messages: [{ role: 'user', content: 'hi' }],
        });
        await chat.text();
      }
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      const wasm = seriesOf(metrics, 'smg_wasm_executions_total');
      await eventually(
        async () =>
          (await snapshot()).plugins?.executions_total === wasm.reduce((n, x) => n + x.value, 0),
      );
      const s = await snapshot();
      const boom = s.plugins?.modules.find((m) => m.name === 'boom');
      const pass = s.plugins?.modules.find((m) => m.name === 'pass');
      assert.ok(boom && pass);
      assert.deepEqual(boom.attach_points, ['OnRequest']);
      assert.ok(boom.failed_total >= 1);
      assert.equal(pass.failed_total, 0);
      assert.equal(
        boom.failed_total,
        wasm.find((x) => x.labels['module_uuid'] === boom.uuid && x.labels['result'] === 'failed')
          ?.value,
      );
    });

    test('tokenizers: the registered ones', async () => {
      const reg = await registerTokenizer(gw.url, 'wp', WORDPIECE);
      assert.equal(reg.status, 'completed', reg.message);
      // a snapshot is shared for up to a tick: the registration shows in the next one
      await eventually(async () => (await snapshot()).tokenizers.length === 1, 3000);
      const s = await snapshot();
      assert.deepEqual(
        s.tokenizers.map((t) => [t.id, t.name, t.vocab_size]),
        [[reg.id, 'wp', reg.vocab_size]],
      );
    });

    test('the event stream sends a snapshot at once, then one per second', async () => {
      const ac = new AbortController();
      const r = await fetch(`${gw.url}/dashboard/api/events`, { signal: ac.signal });
      assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const times = new Set<string>();
      while (times.size < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
        for (const m of text.matchAll(/^data: (\{.*\})$/gm)) {
          times.add((JSON.parse(m[1] ?? '{}') as Snapshot).generated_at);
        }
      }
      ac.abort();
      assert.equal(times.size, 3);
      assert.match(text, /^retry: 2000\n\nevent: snapshot\ndata: \{/);
    });
  },
);
