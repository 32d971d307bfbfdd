import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseLaunchArgs } from '../../../src/config/parse';
import { startSingleProcess, type Gateway } from '../../../src/cluster/single';
import { closeAll, eventually, postJson, startEngines } from '../../helpers/gateway';
import type { MockEngine } from '../../../src/mock-engine';

/** A pino logger (JSON, level names as in --log-json) whose lines land in `lines`. */
function capturingLogger(lines: Array<Record<string, unknown>>): pino.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return pino({ level: 'info', formatters: { level: (label) => ({ level: label }) } }, stream);
}

/** The raw response head of one request on a fresh socket. */
function rawHead(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let data = '';
    s.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      if (data.includes('\r\n\r\n')) {
        s.destroy();
        resolve(data.slice(0, data.indexOf('\r\n\r\n')));
      }
    });
    s.on('error', reject);
  });
}

describe('access log, status line, token metrics', () => {
  let engines: MockEngine[];
  let gw: Gateway;
  let url: string;
  const lines: Array<Record<string, unknown>> = [];
  const access = (): Array<Record<string, unknown>> => lines.filter((l) => l['access'] === true);

  before(async () => {
    engines = await startEngines(1);
    const config = parseLaunchArgs([
      ...['--host', '127.0.0.1', '--port', '0', '--workers', '1'],
      ...['--prometheus-host', '127.0.0.1', '--prometheus-port', '0'],
      ...['--worker-urls', engines[0]!.url, '--policy', 'round_robin'],
    ]);
    gw = await startSingleProcess(config, capturingLogger(lines));
    await gw.startupDone;
    url = `http://127.0.0.1:${gw.port}`;
  });
  after(() => closeAll(gw, engines));

  test('one info line per request with routing, usage and byte counts', async () => {
    const body = { model: 'mock-model', prompt: 'hello there', max_tokens: 4 };
    const r = await postJson(`${url}/v1/completions`, body, { 'x-request-id': 'acc-1' });
    const answer = (await r.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    await eventually(() => access().some((l) => l['requestId'] === 'acc-1'));
    const line = access().find((l) => l['requestId'] === 'acc-1')!;
    assert.equal(line['level'], 'info');
    assert.equal(line['method'], 'POST');
    assert.equal(line['path'], '/v1/completions');
    assert.equal(line['status'], 200);
    assert.equal(line['model'], 'mock-model');
    assert.equal(line['worker'], engines[0]!.url);
    assert.equal(line['attempts'], 1);
    assert.equal(line['promptTokens'], answer.usage.prompt_tokens);
    assert.equal(line['completionTokens'], answer.usage.completion_tokens);
    assert.equal(line['bytesIn'], Buffer.byteLength(JSON.stringify(body)));
    assert.ok((line['bytesOut'] as number) > 0);
    assert.equal(typeof line['latencyMs'], 'number');
    assert.equal(line['client'], '127.0.0.1');
  });

  test('a stream logs its TTFT and usage, and counts tokens and TPOT', async () => {
    const r = await postJson(
      `${url}/v1/chat/completions`,
      {
        model: 'mock-model',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 6,
        stream: true,
        stream_options: { include_usage: true },
      },
      { 'x-request-id': 'acc-2' },
    );
    await r.text();
    await eventually(() => access().some((l) => l['requestId'] === 'acc-2'));
    const line = access().find((l) => l['requestId'] === 'acc-2')!;
    assert.equal(typeof line['ttftMs'], 'number');
    assert.ok((line['completionTokens'] as number) > 1);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.metricsPort}/metrics`)).text();
    assert.match(
      metrics,
      /smg_router_tokens_total\{[^}]*model="mock-model"[^}]*token_type="output"\} [1-9]/,
    );
    assert.match(metrics, /smg_router_tokens_total\{[^}]*token_type="input"\} [1-9]/);
    assert.match(metrics, /smg_router_tpot_seconds_count\{[^}]*endpoint="chat"\} [1-9]/);
    assert.match(metrics, /smg_worker_connections_active\{[^}]*\} [1-9]/);
  });

  test('routes without dispatch and unknown paths are logged too', async () => {
    await (await fetch(`${url}/health`, { headers: { 'x-request-id': 'acc-3' } })).text();
    await (await fetch(`${url}/nope`, { headers: { 'x-request-id': 'acc-4' } })).text();
    await eventually(() => access().some((l) => l['requestId'] === 'acc-4')).catch(() => {
      throw new Error(JSON.stringify(access().slice(-3)));
    });
    assert.equal(access().find((l) => l['requestId'] === 'acc-3')?.['status'], 200);
    assert.equal(access().find((l) => l['requestId'] === 'acc-4')?.['status'], 404);
  });

  test("status lines carry Node's reason phrase for any status an engine sends", async () => {
    const b = '{"model":"mock-model","prompt":"hi","max_tokens":2}';
    engines[0]!.setFault({ status: 418 });
    const head = await rawHead(
      gw.port,
      `POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n${b}`,
    );
    engines[0]!.setFault({ status: null });
    assert.match(head, /^HTTP\/1\.1 418 I'm a Teapot\r\n/);
    const ok = await rawHead(gw.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(ok, /^HTTP\/1\.1 200 OK\r\n/);
  });
});
