import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  closeAll,
  eventually,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../../helpers/gateway';
import type { MockEngine } from '../../../src/mock-engine';
import pino from 'pino';
import { parseLaunchArgs } from '../../../src/config/parse';
import { startSingleProcess } from '../../../src/cluster/single';
import { UWS_MAX_DECLARED_LENGTH } from '../../../src/server/http-server';

interface RawExchange {
  /** Everything the server sent before closing. */
  readonly response: string;
  /** True when the server closed the connection. */
  readonly closed: boolean;
}

/**
 * Sends `head` then drips `drip` one byte every `everyMs` until the server answers or closes;
 * resolves with what came back. A guard ends the socket after `maxMs` (no answer at all).
 */
function dripRequest(
  port: number,
  head: string,
  drip: string,
  everyMs: number,
  maxMs: number,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(head));
    let response = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < drip.length && !s.destroyed) s.write(drip[i++] ?? '');
    }, everyMs);
    const guard = setTimeout(() => s.destroy(), maxMs);
    s.on('data', (c: Buffer) => (response += c.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ response, closed: true });
    });
  });
}

const post = (path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow and abandoned clients', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway([
      ...['--worker-urls', engines[0]!.url, '--policy', 'round_robin'],
      ...['--request-body-timeout-secs', '1', '--max-pending-body-bytes', '100000'],
    ]);
  });
  after(() => closeAll(gw, engines));

  test('a body dripped one byte per 100 ms gets 408 at the body deadline, and the connection closes', async () => {
    const body = '{"model":"mock-model","prompt":"' + 'x'.repeat(200) + '"}';
    const started = Date.now();
    const r = await dripRequest(gw.port, post('/v1/completions', body.length), body, 100, 30_000);
    assert.match(r.response, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.ok(r.closed);
    // well before the drip would have finished (~20 s) or the socket idle timeout
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });

  test('a client that stops mid-body gets 408 and the connection closes', async () => {
    const r = await dripRequest(gw.port, post('/generate', 1000) + '{"text":', '', 100, 30_000);
    assert.match(r.response, /^HTTP\/1\.1 408 /);
    assert.ok(r.closed);
  });

  test('unfinished bodies past --max-pending-body-bytes get 503 and the connection closes', async () => {
    // holds 60 kB of an unfinished body…
    const holder = net.connect(gw.port, '127.0.0.1');
    holder.on('error', () => undefined);
    await new Promise<void>((r) => holder.once('connect', () => r()));
    holder.write(post('/generate', 90_000) + ' '.repeat(60_000));
    // …so a second body that would pass the 100 kB bound is refused (its declared length)
    await eventually(async () => {
      const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      return Number(/^collie_http_pending_body_bytes (\d+)$/m.exec(text)?.[1]) === 60_000;
    });
    const r = await dripRequest(
      gw.port,
      post('/generate', 50_000) + ' '.repeat(10_000),
      '',
      100,
      30_000,
    );
    holder.destroy();
    assert.match(r.response, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(r.response, /retry-after: 1/i);
    assert.ok(r.closed);
  });
});

describe('the pending-body bound without a declared length', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([
      ...['--request-body-timeout-secs', '5', '--max-pending-body-bytes', '100000'],
    ]);
  });
  after(() => gw.close());

  test('a chunked body that would pass the bound gets 503 on the chunk that crosses it', async () => {
    const chunk = (n: number): string => `${n.toString(16)}\r\n${' '.repeat(n)}\r\n`;
    const head =
      'POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n';
    // 6 × 20 kB, never finished: the bound is 100 kB
    const r = await dripRequest(gw.port, head + chunk(20_000).repeat(6), '', 100, 30_000);
    assert.match(r.response, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.ok(r.closed);
  });
});

describe('requests uWS 20.30 leaves unanswered (pinned: an upgrade that answers them shows here)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([]);
  });
  after(() => gw.close());

  for (const [name, request] of [
    ['HTTP/1.0 request line', 'GET /health HTTP/1.0\r\n\r\n'],
    ['malformed request line', 'GARBAGE\r\n\r\n'],
    ['Content-Length of ten digits', post('/v1/chat/completions', 1_000_000_000)],
  ] as const) {
    test(`${name}: no response bytes`, async () => {
      const r = await dripRequest(gw.port, request, '', 100, 3000);
      assert.equal(
        r.response,
        '',
        `uWS now answers ${name}: update the README where it says uWS leaves this unanswered`,
      );
    });
  }
});

/** Warnings a single-process gateway started with `flags` logs by the end of its startup. */
async function startupWarnings(flags: string[]): Promise<Array<{ msg: string; limit?: number }>> {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
  const local = ['--host', '127.0.0.1', '--port', '0', '--workers', '1'];
  const metrics = ['--prometheus-host', '127.0.0.1', '--prometheus-port', '0'];
  const gw = await startSingleProcess(parseLaunchArgs([...local, ...metrics, ...flags]), logger);
  try {
    await gw.startupDone;
  } finally {
    await gw.close(200);
  }
  return lines.map((l) => JSON.parse(l) as { msg: string; limit?: number });
}

describe('declared lengths near the parser limit', () => {
  test('999,999,999 bytes, above the default --max-payload-size, gets 413 before any body byte', async () => {
    const gw = await startTestGateway([]);
    try {
      const head = post('/v1/chat/completions', 999_999_999);
      const r = await dripRequest(gw.port, head, '', 100, 5000);
      assert.match(r.response, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
      assert.match(r.response, /Failed to buffer the request body: length limit exceeded$/);
    } finally {
      await gw.close();
    }
  });

  test('a --max-payload-size the parser cannot honour logs a warning at startup', async () => {
    const size = String(UWS_MAX_DECLARED_LENGTH + 1);
    const warned = (await startupWarnings(['--max-payload-size', size])).find((r) =>
      r.msg.startsWith('--max-payload-size is above'),
    );
    assert.equal(warned?.limit, UWS_MAX_DECLARED_LENGTH);
  });

  test('the default --max-payload-size logs no such warning', async () => {
    const records = await startupWarnings([]);
    assert.ok(!records.some((r) => r.msg.startsWith('--max-payload-size is above')));
  });
});
