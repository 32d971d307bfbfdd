/**
 * The floor of bench:proxy: the least a relay on collie's stack can do. uWebSockets.js ingress
 * (loaded exactly as collie loads it, SO_REUSEPORT across node:cluster workers as collie's
 * ingress), one undici Pool to the engine, nothing else: no routing, no validation, no metrics,
 * no request id. Whatever collie spends above this is collie's own cost.
 *
 * Per request: read the body, dispatch it upstream, relay status, headers (hop-by-hop ones
 * dropped) and body. An answer with content-type text/event-stream is streamed chunk by chunk
 * with backpressure (uWS write() false → undici paused until onWritable); any other answer is
 * buffered and sent with one end(), as collie does for non-streaming requests.
 *
 * Upstream API: undici's legacy dispatch handler (onConnect/onHeaders/onData/onComplete/onError),
 * the shape its HTTP/1 client calls directly, as collie's RelayHandler (src/core/proxy.ts). It is
 * the cheapest correct choice: `pool.request` adds a Readable body, an AbortController-style
 * signal and header parsing per request; a new-style (onRequestStart…) handler is wrapped in
 * undici's UnwrapHandler and has its headers parsed into an object.
 *
 *   node dist/bench/lib/floor-relay.js --host 127.0.0.1 --port <p> --upstream <url> [--processes N]
 */
import { STATUS_CODES } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { loadUws, type HttpRequest, type HttpResponse } from '../../src/server/uws';
import { runProcesses } from './cluster-run';
import { listenShared } from './uws-listen';

/**
 * Never copied to the client: hop-by-hop, or written by uWS itself (length, framing, date, its
 * own uWebSockets header), as collie (src/dispatch/headers.ts).
 */
const DROP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'date',
  'uwebsockets',
]);

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
    statusLines.set(status, line);
  }
  return line;
}

const CLIENT_GONE = new Error('client disconnected');

/** One request: the uWS response on one side, one undici dispatch on the other. */
class Exchange {
  private aborted = false;
  private streaming = false;
  private status = 0;
  private headers: [string, string][] = [];
  private body: Buffer[] = [];
  private abortUpstream: ((err: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;

  constructor(private readonly res: HttpResponse) {
    res.onAborted(() => {
      this.aborted = true;
      this.abortUpstream?.(CLIENT_GONE);
    });
  }

  get clientGone(): boolean {
    return this.aborted;
  }

  onConnect(abort: (err: Error) => void): void {
    this.abortUpstream = abort;
    if (this.aborted) abort(CLIENT_GONE);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    this.status = status;
    this.resumeUpstream = resume;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
      if (DROP_RESPONSE_HEADERS.has(name)) continue;
      const value = (raw[i + 1] as Buffer).toString('latin1');
      this.headers.push([name, value]);
      if (name === 'content-type' && value.startsWith('text/event-stream')) this.streaming = true;
    }
    if (this.streaming && !this.aborted) this.res.cork(() => this.writeHead());
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.aborted) return true;
    if (!this.streaming) {
      this.body.push(chunk);
      return true;
    }
    let ok = true;
    this.res.cork(() => {
      ok = this.res.write(chunk);
    });
    if (ok) return true;
    // uWS buffered the chunk; stop reading the engine until the client's socket drains.
    this.res.onWritable(() => {
      this.resumeUpstream?.();
      return true;
    });
    return false;
  }

  onComplete(): void {
    if (this.aborted) return;
    this.res.cork(() => {
      if (this.streaming) {
        this.res.end();
        return;
      }
      this.writeHead();
      this.res.end(this.body.length === 1 ? this.body[0] : Buffer.concat(this.body));
    });
  }

  onError(err: Error): void {
    if (this.aborted) return;
    if (this.streaming) {
      this.res.close(); // headers are out: only a cut connection tells the client it is truncated
      return;
    }
    this.res.cork(() => {
      this.res.writeStatus('502 Bad Gateway').writeHeader('content-type', 'application/json');
      this.res.end(JSON.stringify({ error: { message: `upstream: ${err.message}` } }));
    });
  }

  private writeHead(): void {
    this.res.writeStatus(statusLine(this.status));
    for (const [name, value] of this.headers) this.res.writeHeader(name, value);
  }
}

function relay(pool: Pool, res: HttpResponse, req: HttpRequest): void {
  const method = req.getCaseSensitiveMethod().toUpperCase();
  const query = req.getQuery();
  const path = query ? `${req.getUrl()}?${query}` : req.getUrl();
  const contentType = req.getHeader('content-type');
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const exchange = new Exchange(res);
  const dispatch = (body: Buffer | null): void => {
    if (exchange.clientGone) return;
    // Exchange has only the legacy methods, so undici drives it directly (no UnwrapHandler).
    pool.dispatch({ path, method, headers, body }, exchange);
  };
  if (method === 'GET' || method === 'HEAD') {
    dispatch(null);
    return;
  }
  const parts: Buffer[] = [];
  res.onData((ab, isLast) => {
    parts.push(Buffer.from(new Uint8Array(ab))); // uWS reuses `ab` after the callback
    if (isLast) dispatch(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
  });
}

/** collie's pool options (src/core/upstream.ts) except the connection cap: none here. */
function createPool(upstream: string): Pool {
  return new Pool(upstream, {
    connections: null,
    pipelining: 1,
    connectTimeout: 10_000,
    keepAliveTimeout: 50_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      upstream: { type: 'string' },
      processes: { type: 'string', default: '1' },
    },
  });
  const upstream = values.upstream;
  if (upstream === undefined) throw new Error('--upstream <url> is required');
  const port = Number(values.port);
  const processes = Number(values.processes);
  if (processes > 1 && port === 0) throw new Error('--processes needs a fixed --port');
  runProcesses('floor-relay', processes, () => {
    const pool = createPool(upstream);
    const app = loadUws()
      .App()
      .any('/*', (res, req) => relay(pool, res, req));
    return listenShared(app, values.host, port);
  });
}

if (require.main === module) main();
