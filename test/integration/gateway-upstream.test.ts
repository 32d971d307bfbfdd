import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

const streamChat = (n: number) => ({
  model: 'mock-model',
  stream: true,
  max_tokens: n,
  messages: [{ role: 'user', content: 'tell me' }],
});

async function readAll(res: Response): Promise<string> {
  return res.text();
}

describe('streaming and upstream failures', () => {
  let engine: MockEngine;
  let gw: TestGateway;

  before(async () => {
    [engine] = (await startEngines(1, { tokenDelayMs: 150 })) as [MockEngine];
    gw = await startTestGateway([
      '--worker-urls',
      engine.url,
      '--request-timeout-secs',
      '1',
      '--retry-max-retries',
      '2',
    ]);
  });
  after(() => closeAll(gw, engine));

  test('the first token reaches the client while the engine is still generating', async () => {
    engine.setFault({});
    const t0 = Date.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...streamChat(4), max_tokens: 4 }),
    });
    // 4 tokens at 150 ms: the engine needs ~600 ms; the first chunk must not wait for that.
    assert.equal(res.status, 200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    assert.ok(first.value && first.value.length > 0);
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    const total = Date.now() - t0;
    assert.ok(rest.includes('[DONE]'));
    assert.ok(
      total - firstAt >= 300,
      `first chunk at ${firstAt} ms, end at ${total} ms: stream was buffered`,
    );
  });

  test('an engine that drops mid-stream ends the client stream with an error event', async () => {
    engine.setFault({ dropAfterTokens: 2 });
    try {
      const res = await postJson(`${gw.url}/v1/chat/completions`, streamChat(10));
      assert.equal(res.status, 200);
      const text = await readAll(res);
      const events = text.split('\n\n').filter((e) => e.trim());
      const last = events[events.length - 1] ?? '';
      assert.match(last, /^event: error\ndata: /);
      assert.match(last, /call_upstream_body_error/);
      assert.ok(events.length >= 2, 'the tokens sent before the drop were delivered');
      assert.equal(gw.inflight(engine.url), 0);
    } finally {
      engine.setFault({ dropAfterTokens: null });
    }
  });

  test('a client disconnect aborts the upstream request promptly and releases the in-flight count', async () => {
    const abortedBefore = engine.stats().aborted;
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(streamChat(200)),
      signal: ac.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    assert.equal(gw.inflight(engine.url), 1);
    ac.abort();
    await eventually(
      () => engine.stats().aborted === abortedBefore + 1 && engine.stats().running === 0,
      1000,
    );
    await eventually(() => gw.inflight(engine.url) === 0, 1000);
  });

  test('an engine that hangs past --request-timeout-secs → 504 call_upstream_timeout', async () => {
    engine.setFault({ hang: true });
    try {
      const r = await postJson(`${gw.url}/v1/chat/completions`, {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'x' }],
      });
      assert.equal(r.status, 504);
      assert.equal(r.headers.get('x-smg-error-code'), 'call_upstream_timeout');
    } finally {
      engine.setFault({ hang: false });
    }
    await eventually(() => engine.stats().running === 0, 1000);
  });

  test('engine status errors pass through verbatim', async () => {
    engine.setFault({ status: 500 });
    try {
      const r = await postJson(`${gw.url}/generate`, { text: 'x' });
      assert.equal(r.status, 500);
      assert.deepEqual(await r.json(), { error: 'Random failure for testing' });
      assert.equal(r.headers.get('x-smg-error-code'), null);
    } finally {
      engine.setFault({ status: null });
    }
  });
});

describe('backpressure', () => {
  let engine: MockEngine;
  let gw: TestGateway;

  before(async () => {
    [engine] = (await startEngines(1)) as [MockEngine];
    gw = await startTestGateway(['--worker-urls', engine.url]);
  });
  after(() => closeAll(gw, engine));

  test('a slow client slows the engine instead of growing gateway memory', async () => {
    const completedBefore = engine.stats().completed;
    const payload = JSON.stringify({
      ...streamChat(200_000),
      messages: [{ role: 'user', content: 'flood' }],
    });
    const sock = net.connect(gw.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
    sock.pause();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      engine.stats().completed,
      completedBefore,
      'engine finished a 200k-token stream the client never read',
    );
    assert.equal(engine.stats().running, 1);
    let bytes = 0;
    sock.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    sock.resume();
    await eventually(() => engine.stats().completed === completedBefore + 1, 20_000);
    assert.ok(bytes > 1_000_000);
    sock.destroy();
    await eventually(() => gw.inflight(engine.url) === 0, 1000);
  });
});

describe('engine unreachable and empty fleets', () => {
  test('connection refused → 502 call_upstream_connection_failed', async () => {
    const [engine] = (await startEngines(1)) as [MockEngine];
    const gw = await startTestGateway(['--worker-urls', engine.url]);
    await engine.close();
    try {
      const r = await postJson(`${gw.url}/generate`, { text: 'x' });
      assert.equal(r.status, 502);
      assert.equal(r.headers.get('x-smg-error-code'), 'call_upstream_connection_failed');
      const body = (await r.json()) as { error: { message: string } };
      // the fleet's addresses are logged, never echoed to clients
      assert.ok(!body.error.message.includes(engine.url), body.error.message);
      assert.ok(!body.error.message.includes('127.0.0.1'), body.error.message);
    } finally {
      await gw.close();
    }
  });

  test('no workers: readiness 503, model 404, info routes 503 no_workers, models 503 text', async () => {
    const gw = await startTestGateway([]);
    try {
      const ready = await fetch(`${gw.url}/readiness`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), {
        status: 'not ready',
        reason: 'insufficient healthy workers',
      });
      const gen = await postJson(`${gw.url}/generate`, { text: 'x' });
      assert.equal(gen.status, 404);
      assert.equal(gen.headers.get('x-smg-error-code'), 'model_not_found');
      const info = await fetch(`${gw.url}/get_server_info`);
      assert.equal(info.status, 503);
      assert.equal(info.headers.get('x-smg-error-code'), 'no_workers');
      const models = await fetch(`${gw.url}/v1/models`);
      assert.equal(models.status, 503);
      assert.equal(await models.text(), 'No models available');
      const em = await fetch(`${gw.url}/engine_metrics`);
      assert.equal(em.status, 500);
    } finally {
      await gw.close();
    }
  });
});
