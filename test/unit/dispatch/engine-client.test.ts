import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { createEngineClients } from '../../../src/dispatch/engine-client';
import { UNDICI_MAJOR } from '../../../src/dispatch/undici-handler';
import type { ExchangeHandler } from '../../../src/dispatch/exchange';
import { GatewayError } from '../../../src/errors/gateway-error';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
}

/** A real engine on 127.0.0.1:0: /echo answers what it saw, /slow streams, /hang never answers. */
function startServer(seen: Seen[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        body,
      });
      if (req.url === '/hang') return;
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'X-Engine': 'E' });
        let n = 0;
        const t = setInterval(() => {
          res.write(`data: ${n}\n\n`);
          if (++n === 3) {
            clearInterval(t);
            res.end();
          }
        }, 2);
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json', 'X-Engine': 'E' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** Collects an exchange through the raw handler interface. */
function collect(): {
  h: ExchangeHandler;
  done: Promise<{ status: number; raw: string[]; chunks: string[] }>;
} {
  let status = 0;
  let raw: string[] = [];
  const chunks: string[] = [];
  let resolve!: (v: { status: number; raw: string[]; chunks: string[] }) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<{ status: number; raw: string[]; chunks: string[] }>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const h: ExchangeHandler = {
    onStart: () => undefined,
    onHead: (s, r) => {
      status = s;
      raw = r.map((b) => b.toString());
    },
    onBody: (c) => {
      chunks.push(c.toString());
      return true;
    },
    onEnd: () => resolve({ status, raw, chunks }),
    onError: reject,
  };
  return { h, done };
}

describe('engine client (real local engine)', () => {
  const seen: Seen[] = [];
  let server: http.Server;
  let url: string;
  const clients = createEngineClients();

  before(async () => {
    server = await startServer(seen);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await clients.close();
    server.closeAllConnections();
    server.close();
  });

  test('undici is the major version the dispatch handler shape was written for', () => {
    const req = createRequire(__filename);
    const { version } = req('undici/package.json') as { version: string };
    assert.equal(Number(version.split('.')[0]), UNDICI_MAJOR);
  });

  test('exchange: raw status, headers and body through the legacy handler', async () => {
    const { h, done } = collect();
    clients.forWorker({ url }).exchange(
      {
        method: 'POST',
        path: '/echo',
        headers: ['content-type', 'application/json'],
        body: '{"a":1}',
      },
      h,
      'Bearer client',
    );
    const r = await done;
    assert.equal(r.status, 201);
    assert.ok(r.raw.some((v) => v.toLowerCase() === 'x-engine'));
    assert.equal(r.chunks.join(''), '{"ok":true}');
    assert.equal(seen.at(-1)?.body, '{"a":1}');
    assert.equal(
      seen.at(-1)?.auth,
      'Bearer client',
      'a worker without a key gets the client credential',
    );
  });

  test("a worker's key replaces the client's credential", async () => {
    const { h, done } = collect();
    clients
      .forWorker({ url, apiKey: 'engine-key' })
      .exchange({ method: 'GET', path: '/echo', headers: [] }, h, 'Bearer client');
    await done;
    assert.equal(seen.at(-1)?.auth, 'Bearer engine-key');
  });

  test('streams arrive chunk by chunk', async () => {
    const { h, done } = collect();
    clients.forWorker({ url }).exchange({ method: 'GET', path: '/stream', headers: [] }, h);
    const r = await done;
    assert.equal(r.chunks.join(''), 'data: 0\n\ndata: 1\n\ndata: 2\n\n');
  });

  test('call: buffered text, and a timeout maps to call_upstream_timeout', async () => {
    const ok = await clients.forWorker({ url }).call({ path: '/echo', timeoutMs: 2000 });
    assert.equal(ok.status, 201);
    assert.equal(ok.text, '{"ok":true}');
    await assert.rejects(
      clients.forWorker({ url }).call({ path: '/hang', timeoutMs: 50 }),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.code, 'call_upstream_timeout');
        return true;
      },
    );
  });

  test('connection refused maps to call_upstream_connection_failed without the URL', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    await assert.rejects(
      clients.forWorker({ url: `http://127.0.0.1:${port}` }).call({ path: '/x', timeoutMs: 2000 }),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.code, 'call_upstream_connection_failed');
        assert.ok(!e.message.includes(String(port)), e.message);
        return true;
      },
    );
  });

  test('no hidden connection cap: 600 concurrent exchanges reach the engine at once', async () => {
    const before = seen.length;
    const started: Array<() => void> = [];
    const aborts: Array<(e: Error) => void> = [];
    for (let i = 0; i < 600; i++) {
      clients.forWorker({ url }).exchange(
        { method: 'GET', path: '/hang', headers: [] },
        {
          onStart: (abort) => aborts.push(abort),
          onHead: () => undefined,
          onBody: () => true,
          onEnd: () => undefined,
          onError: () => started.push(() => undefined),
        },
      );
    }
    const deadline = Date.now() + 10_000;
    while (seen.length - before < 600 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.length - before, 600, 'every request reached the engine (no queue at 512)');
    for (const a of aborts) a(new Error('done'));
  });
});
