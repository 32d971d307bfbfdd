import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

/** Sends raw bytes on a fresh connection and returns what came back before close/timeout. */
function rawExchange(port: number, payload: string | Buffer, waitMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(payload));
    let buf = '';
    c.on('data', (d) => (buf += d.toString()));
    c.on('error', () => undefined);
    const done = (): void => {
      c.destroy();
      resolve(buf);
    };
    c.on('close', done);
    setTimeout(done, waitMs);
  });
}

const chat = { model: 'mock-model', messages: [{ role: 'user', content: 'x' }] };

describe('bad input gets SMG-shaped errors and never hurts the process', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway(['--worker-urls', engines[0]!.url, '--max-payload-size', '2048']);
  });
  after(() => closeAll(gw, engines));

  test('malformed JSON: validated routes → 400 json_parse_error envelope', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, '{"model": ');
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'json_parse_error');
    assert.match(body.error.message, /^JSON syntax error: /);
  });

  test('malformed JSON and empty body: plain routes → 400 text', async () => {
    for (const raw of ['{nope', '']) {
      const r = await postJson(`${gw.url}/generate`, raw);
      assert.equal(r.status, 400);
      assert.match(await r.text(), /^Failed to parse the request body as JSON: /);
    }
  });

  test('missing or wrong fields: 400 Invalid JSON data (validated) / 422 (plain)', async () => {
    const a = await postJson(`${gw.url}/v1/chat/completions`, { model: 'mock-model' });
    assert.equal(a.status, 400);
    assert.match(
      ((await a.json()) as { error: { message: string } }).error.message,
      /^Invalid JSON data: .*messages/,
    );
    const b = await postJson(`${gw.url}/v1/chat/completions`, { model: 42, messages: [] });
    assert.equal(b.status, 400);
    const c = await postJson(`${gw.url}/generate`, { text: ['a', 'b'] });
    assert.equal(c.status, 422);
    assert.match(await c.text(), /^Failed to deserialize the JSON body into the target type: /);
    const d = await postJson(`${gw.url}/v1/embeddings`, { input: 'x' });
    assert.equal(d.status, 422);
    const e = await postJson(`${gw.url}/v1/chat/completions`, '[1,2]');
    assert.equal(e.status, 400);
  });

  test('semantic validation: 400 with numeric code 400', async () => {
    for (const body of [
      { ...chat, messages: [] },
      { ...chat, temperature: 3 },
      { ...chat, n: 0 },
      { ...chat, stream_options: { include_usage: true } },
    ]) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(((await r.json()) as { error: { code: unknown } }).error.code, 400);
    }
    for (const body of [
      { model: 'mock-model', query: ' ', documents: ['a'] },
      { model: 'mock-model', query: 'q', documents: [] },
      { model: 'mock-model', query: 'q', documents: ['a'], top_k: 0 },
    ]) {
      assert.equal((await postJson(`${gw.url}/rerank`, body)).status, 400);
    }
  });

  test('content type: validated → 400 envelope, plain → 415 text', async () => {
    const a = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chat),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(a.status, 400);
    assert.match(
      ((await a.json()) as { error: { message: string } }).error.message,
      /Content-Type: application\/json/,
    );
    const b = await fetch(`${gw.url}/generate`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(b.status, 415);
    assert.equal(await b.text(), 'Expected request with `Content-Type: application/json`');
  });

  test('invalid UTF-8 is a syntax error, not mojibake forwarded upstream', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"text":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const r = await fetch(`${gw.url}/generate`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /not valid UTF-8/);
  });

  test('oversized body → 413 (declared length and chunked)', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(4096) });
    const r = await postJson(`${gw.url}/generate`, big);
    assert.equal(r.status, 413);
    const chunked = await rawExchange(
      gw.port,
      `POST /generate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n${'x'.repeat(4096)}\r\n0\r\n\r\n`,
    );
    assert.match(chunked, /^HTTP\/1\.1 413/);
  });

  test('unknown path → 404 empty; wrong method → 405 with Allow', async () => {
    const a = await fetch(`${gw.url}/api/v2/generate`, { method: 'POST' });
    assert.equal(a.status, 404);
    assert.equal(await a.text(), '');
    const b = await fetch(`${gw.url}/generate`);
    assert.equal(b.status, 405);
    assert.equal(b.headers.get('allow'), 'POST');
    const c = await fetch(`${gw.url}/health`, { method: 'POST' });
    assert.equal(c.status, 405);
  });

  test('unknown model → 404 model_not_found with X-SMG-Error-Code; engine not called', async () => {
    const before = engines[0]!.requests.length;
    const r = await postJson(`${gw.url}/v1/chat/completions`, { ...chat, model: 'other' });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('x-smg-error-code'), 'model_not_found');
    const body = (await r.json()) as { error: Record<string, unknown> };
    assert.deepEqual(body.error, {
      type: 'Not Found',
      code: 'model_not_found',
      message: "No worker available for model 'other'",
      param: null,
    });
    assert.equal(engines[0]!.requests.length, before);
  });

  test('huge headers, garbage request lines and half-sent bodies leave the server healthy', async () => {
    await rawExchange(
      gw.port,
      `GET /health HTTP/1.1\r\nHost: a\r\nx-big: ${'y'.repeat(2_000_000)}\r\n\r\n`,
    );
    await rawExchange(gw.port, 'NOT HTTP AT ALL\r\n\r\n');
    await rawExchange(
      gw.port,
      'POST /generate HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"text":',
      100,
    );
    const r = await fetch(`${gw.url}/health`);
    assert.equal(r.status, 200);
    assert.equal(gw.inflight(engines[0]!.url), 0);
    const ok = await postJson(`${gw.url}/v1/chat/completions`, chat);
    assert.equal(ok.status, 200);
  });
});
