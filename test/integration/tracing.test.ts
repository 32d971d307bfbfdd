import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { parseLaunchArgs } from '../../src/config/parse';
import { startTestGateway, startEngines, closeAll } from '../helpers/gateway';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** An OTLP/HTTP (JSON) receiver: collects the spans POSTed to /v1/traces. */
async function startOtlpHttp(): Promise<{
  url: string;
  spans: OtlpSpan[];
  close(): Promise<void>;
}> {
  const spans: OtlpSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function attr(span: OtlpSpan, key: string): unknown {
  const a = span.attributes.find((x) => x.key === key);
  return a ? Object.values(a.value)[0] : undefined;
}

async function until<T>(what: string, fn: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

test('--enable-trace exports a span per request to an OTLP/HTTP receiver, child of the client trace, traceparent sent upstream', async () => {
  const otlp = await startOtlpHttp();
  const engines = await startEngines(1);
  const gw = await startTestGateway([
    '--worker-urls',
    engines[0]!.url,
    '--policy',
    'cache_aware',
    '--enable-trace',
    '--otlp-traces-endpoint',
    otlp.url,
  ]);
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
        'x-request-id': 'trace-me',
      },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const span = await until('the request span', () =>
      otlp.spans.find((s) => attr(s, 'collie.request_id') === 'trace-me'),
    );
    assert.equal(span.name, 'POST /v1/chat/completions');
    assert.equal(span.kind, 2, 'SERVER');
    assert.equal(span.traceId, CLIENT_TRACE, 'continues the client trace');
    assert.equal(span.parentSpanId, CLIENT_SPAN);
    assert.equal(attr(span, 'collie.worker'), engines[0]!.url);
    assert.equal(attr(span, 'gen_ai.request.model'), 'mock-model');
    assert.equal(attr(span, 'collie.policy'), 'cache_aware');
    assert.match(String(attr(span, 'collie.route_reason')), /^(hit|miss|imbalance|sticky|policy)$/);
    assert.equal(Number(attr(span, 'http.response.status_code')), 200);
    assert.equal(Number(attr(span, 'collie.attempts')), 1);
    // The engine saw this span as its parent, not the client's.
    const upstream = engines[0]!.requests.find((r) => r.path === '/v1/chat/completions');
    assert.equal(upstream?.headers['traceparent'], `00-${CLIENT_TRACE}-${span.spanId}-01`);
  } finally {
    await closeAll(gw, engines);
    await otlp.close();
  }
});

test('--otlp-traces-endpoint host:port exports OTLP/gRPC, as SMG', async () => {
  const received: Buffer[] = [];
  const server = new grpc.Server();
  const passthrough = {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  };
  server.addService(
    { Export: passthrough },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        received.push(call.request);
        cb(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const engines = await startEngines(1);
  const gw = await startTestGateway([
    '--worker-urls',
    engines[0]!.url,
    '--policy',
    'round_robin',
    '--enable-trace',
    '--otlp-traces-endpoint',
    `127.0.0.1:${port}`,
  ]);
  try {
    const res = await fetch(`${gw.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'grpc-span' },
      body: JSON.stringify({ model: 'mock-model', prompt: 'hi' }),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    // Protobuf keeps strings as UTF-8 bytes: the span's name and attributes are in the payload.
    const payload = await until('an OTLP/gRPC export', () => {
      const all = Buffer.concat(received);
      return all.includes('grpc-span') ? all : undefined;
    });
    assert.ok(payload.includes('POST /v1/completions'));
    assert.ok(payload.includes(engines[0]!.url));
  } finally {
    await closeAll(gw, engines);
    server.forceShutdown();
  }
});

test('tracing flags: off by default, endpoint checked', () => {
  assert.equal(parseLaunchArgs([]).tracing, undefined);
  assert.deepEqual(parseLaunchArgs(['--enable-trace']).tracing, { endpoint: 'localhost:4317' });
  assert.throws(
    () => parseLaunchArgs(['--enable-trace', '--otlp-traces-endpoint', 'nope']),
    /expected host:port/,
  );
  assert.throws(() => parseLaunchArgs(['--otlp-traces-endpoint', 'http://']), /invalid URL/);
});
