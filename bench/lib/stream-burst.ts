/**
 * The slow-stream load client: opens N connections to one target, then sends N streaming chat
 * requests at once (one per connection) and reads every stream to its end. Runs as its own
 * process so its CPU is never charged to a target. Prints one JSON line ({@link BurstResult}).
 *
 *   node dist/bench/lib/stream-burst.js --url http://127.0.0.1:<p>/v1/chat/completions
 *        --body '<json>' --count 5000 --expect-chunks 20 [--connect-concurrency 200]
 *        [--timeout-ms 120000]
 *
 * Connections are opened before the clock starts, at most `connect-concurrency` handshakes at a
 * time: a listen backlog overflow (SYN dropped, retried after 1 s) would otherwise be measured as
 * stream time. The clock starts when the first request is written; a stream counts as complete
 * when its response is 200, fully framed, holds `expect-chunks` + 1 `data:` events and ends
 * with `data: [DONE]`.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { SSE_DONE } from './engine-protocol';
import { Http1Response } from './http1-response';

export interface BurstResult {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  /** Failure reason → count (first words of the error). */
  readonly errors: Readonly<Record<string, number>>;
  /** Time to open every connection (not part of the stream time). */
  readonly connectMs: number;
  /** First request written → last stream finished (complete or failed). */
  readonly wallMs: number;
  /** Per-stream time from the burst start, complete streams only. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

interface Options {
  readonly url: URL;
  readonly body: string;
  readonly count: number;
  readonly expectChunks: number;
  readonly connectConcurrency: number;
  readonly timeoutMs: number;
}

type Outcome =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string };

function connectOne(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Opens `count` connections with at most `concurrency` handshakes in flight. */
async function connectAll(o: Options): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const port = Number(o.url.port);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < o.count) {
      next++;
      sockets.push(await connectOne(o.url.hostname, port));
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.connectConcurrency, o.count) }, lane));
  return sockets;
}

function checkStream(res: Http1Response, expectChunks: number): string | undefined {
  if (res.status !== 200) return `HTTP ${res.status}`;
  const text = res.bodyText();
  if (!text.endsWith(SSE_DONE)) return 'no [DONE] at the end';
  const events = text.split('data: ').length - 1;
  if (events !== expectChunks + 1) return `${events - 1} chunks, expected ${expectChunks}`;
  return undefined;
}

/** Writes the request on `socket` and reads the answer; never rejects. */
function runStream(socket: net.Socket, request: Buffer, o: Options, t0: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const res = new Http1Response();
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    const settleIfDone = (): void => {
      if (res.state === 'error') finish({ ok: false, error: res.error ?? 'parse error' });
      if (res.state !== 'done') return;
      const problem = checkStream(res, o.expectChunks);
      finish(
        problem === undefined
          ? { ok: true, ms: performance.now() - t0 }
          : { ok: false, error: problem },
      );
    };
    socket.on('data', (data: Buffer) => {
      res.push(data);
      settleIfDone();
    });
    socket.on('end', () => {
      res.end();
      settleIfDone();
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, error: err.code ?? err.message }),
    );
    socket.on('close', () => finish({ ok: false, error: 'closed early' }));
    socket.write(request);
  });
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

async function burst(o: Options): Promise<BurstResult> {
  const started = performance.now();
  const sockets = await connectAll(o);
  const connectMs = performance.now() - started;
  const request = Buffer.from(
    `POST ${o.url.pathname} HTTP/1.1\r\nHost: ${o.url.host}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(o.body)}\r\n\r\n${o.body}`,
  );
  const t0 = performance.now();
  const deadline = setTimeout(
    () => sockets.forEach((s) => s.destroy(new Error('timeout'))),
    o.timeoutMs,
  );
  const outcomes = await Promise.all(sockets.map((s) => runStream(s, request, o, t0)));
  const wallMs = performance.now() - t0;
  clearTimeout(deadline);
  const times = outcomes.flatMap((r) => (r.ok ? [r.ms] : [])).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const r of outcomes) if (!r.ok) errors[r.error] = (errors[r.error] ?? 0) + 1;
  return {
    requested: o.count,
    completed: times.length,
    failed: o.count - times.length,
    errors,
    connectMs,
    wallMs,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: times.at(-1) ?? null,
  };
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      body: { type: 'string' },
      count: { type: 'string', default: '5000' },
      'expect-chunks': { type: 'string' },
      'connect-concurrency': { type: 'string', default: '200' },
      'timeout-ms': { type: 'string', default: '120000' },
    },
  });
  if (
    values.url === undefined ||
    values.body === undefined ||
    values['expect-chunks'] === undefined
  ) {
    throw new Error('--url, --body and --expect-chunks are required');
  }
  const concurrency = Number(values['connect-concurrency']);
  return {
    url: new URL(values.url),
    body: values.body,
    count: Number(values.count),
    expectChunks: Number(values['expect-chunks']),
    connectConcurrency: concurrency,
    timeoutMs: Number(values['timeout-ms']),
  };
}

function main(): void {
  burst(parseOptions()).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`stream-burst: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
