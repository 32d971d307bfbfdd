import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  PrometheusBindError,
  createMetricsForProcess,
  startPrometheusServer,
  type MetricsExposition,
} from '../../src/metrics';
import { sampleValue } from '../unit/metrics/exposition';

async function withServer(
  collect: () => Promise<MetricsExposition>,
  fn: (base: string) => Promise<void>,
  onCollectError?: (err: unknown) => void,
): Promise<void> {
  const server = await startPrometheusServer({
    host: '127.0.0.1',
    port: 0,
    collect,
    ...(onCollectError ? { onCollectError } : {}),
  });
  try {
    await fn(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

test('GET /metrics serves the exposition with the Prometheus content type', async () => {
  const single = createMetricsForProcess('single');
  single.metrics.rateLimit('rejected');
  await withServer(
    () => single.collect(),
    async (base) => {
      const res = await fetch(`${base}/metrics?name[]=x`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const body = await res.text();
      assert.equal(sampleValue(body, 'smg_http_rate_limit_total', { result: 'rejected' }), 1);
      const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    },
  );
});

test('other paths are 404, other methods on /metrics are 405 with Allow', async () => {
  const single = createMetricsForProcess('single');
  await withServer(
    () => single.collect(),
    async (base) => {
      for (const p of ['/', '/metric', '/metrics/x', '/health']) {
        const res = await fetch(`${base}${p}`);
        assert.equal(res.status, 404, p);
        await res.arrayBuffer();
      }
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const res = await fetch(`${base}/metrics`, { method });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
        await res.arrayBuffer();
      }
    },
  );
});

test('a failing collect is a 500 and is reported', async () => {
  const errors: unknown[] = [];
  await withServer(
    () => Promise.reject(new Error('ingress 3 sent no metrics')),
    async (base) => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'metrics collection failed\n');
    },
    (err) => errors.push(err),
  );
  assert.equal(errors.length, 1);
});

test('a port in use rejects with PrometheusBindError', async () => {
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const addr = blocker.address();
  assert.ok(addr !== null && typeof addr === 'object');
  try {
    const err = await startPrometheusServer({
      host: '127.0.0.1',
      port: addr.port,
      collect: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
    }).then(
      () => assert.fail('bound a port that is in use'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PrometheusBindError);
    assert.equal(err.code, 'prometheus_bind_failed');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${addr.port}.*EADDRINUSE`));
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('close() does not wait for idle keep-alive scrapers', async () => {
  const single = createMetricsForProcess('single');
  const server = await startPrometheusServer({
    host: '127.0.0.1',
    port: 0,
    collect: () => single.collect(),
  });
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: '/metrics', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 1000);
  agent.destroy();
});
