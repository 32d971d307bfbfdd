import { loadUws, type HttpRequest, type HttpResponse, type ListenSocket } from './uws';
import type { RouteTable } from './route-table';
import type { IncomingRequest } from './types';
import { UwsSink } from './uws-sink';
import type { CorsPolicy } from './cors';
import { resolveRequestId } from './request-id';
import { GatewayError, errorReply } from '../errors/gateway-error';
import { reasonPhrase } from '../errors/codes';
import type { Logger } from '../util/logger';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxPayloadSize: number;
  readonly requestIdHeaders: readonly string[];
  /** true: refuse to share the port (single process); false: SO_REUSEPORT across processes. */
  readonly exclusivePort: boolean;
  readonly logger: Logger;
  readonly cors?: CorsPolicy;
  /** Serve HTTPS with these PEM files (uWS's SSLApp); absent: plain HTTP. */
  readonly tls?: { readonly certPath: string; readonly keyPath: string };
  /** Called once per finished request (metrics); route is the template or 'other'. */
  readonly observe?: (
    method: string,
    route: string,
    status: number,
    errorCode: string | undefined,
    seconds: number,
  ) => void;
}

export interface HttpServer {
  /** Binds; resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops accepting; resolves when in-flight requests finished or `graceMs` passed. */
  close(graceMs: number): Promise<void>;
  readonly inflight: number;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

function readHeaders(req: HttpRequest): Map<string, string> {
  const headers = new Map<string, string>();
  req.forEach((k, v) => {
    const prev = headers.get(k);
    headers.set(k, prev === undefined ? v : `${prev}, ${v}`);
  });
  return headers;
}

/**
 * Buffers the request body, then calls `done` once: with the body, or with an error (413 past
 * `limit` bytes, or the client leaving). A callback, not a promise: one less hop per request.
 */
function readBody(
  res: HttpResponse,
  sink: UwsSink,
  limit: number,
  done: (err: unknown, body?: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let total = 0;
  let settled = false;
  const settle = (err: unknown, body?: Buffer): void => {
    if (settled) return;
    settled = true;
    done(err, body);
  };
  sink.onAbort(() => settle(new Error('client aborted while sending the body')));
  res.onData((ab, isLast) => {
    if (settled) return;
    total += ab.byteLength;
    if (total > limit) {
      settle(
        new GatewayError(
          'payload_too_large',
          'Failed to buffer the request body: length limit exceeded',
        ),
      );
      return;
    }
    chunks.push(Buffer.from(new Uint8Array(ab)));
    if (isLast) settle(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
  });
}

const EMPTY = Buffer.alloc(0);

export function createHttpServer(table: RouteTable, opts: HttpServerOptions): HttpServer {
  const uws = loadUws();
  const app = opts.tls
    ? uws.SSLApp({ cert_file_name: opts.tls.certPath, key_file_name: opts.tls.keyPath })
    : uws.App();
  const { logger } = opts;
  let listenSocket: ListenSocket | undefined;
  let inflight = 0;
  let idleWaiters: Array<() => void> = [];

  const finished = (): void => {
    inflight--;
    if (inflight === 0) {
      const ws = idleWaiters;
      idleWaiters = [];
      for (const w of ws) w();
    }
  };

  function sendError(
    sink: UwsSink,
    err: unknown,
    requestId: string,
    closeConnection = false,
  ): void {
    if (!(err instanceof GatewayError)) logger.error({ err, requestId }, 'unhandled error');
    if (sink.done) return;
    if (sink.headersSent) {
      sink.end();
      return;
    }
    const r = errorReply(err);
    sink.send(r.status, r.headers, r.body, closeConnection);
  }

  /** Runs the handler; `complete` is called exactly once when the response is over. */
  function serve(
    sink: UwsSink,
    req: IncomingRequest,
    body: Buffer,
    handler: (r: IncomingRequest, b: Buffer, s: UwsSink) => Promise<void> | void,
    complete: () => void,
  ): void {
    let pending: Promise<void> | void;
    try {
      pending = handler(req, body, sink);
    } catch (err) {
      sendError(sink, err, req.requestId);
      complete();
      return;
    }
    if (!pending) {
      complete();
      return;
    }
    pending.then(complete, (err: unknown) => {
      try {
        sendError(sink, err, req.requestId);
      } catch (e) {
        logger.error({ err: e }, 'request pipeline failed');
      }
      complete();
    });
  }

  function preflight(res: HttpResponse, origin: string): void {
    res.onAborted(() => undefined);
    const headers = opts.cors?.preflightHeaders(origin);
    const r = headers
      ? { status: 200, headers, body: '' }
      : errorReply(new GatewayError('cors_origin_not_allowed', ''));
    res.cork(() => {
      res.writeStatus(`${r.status} ${reasonPhrase(r.status)}`);
      for (const [k, v] of r.headers) res.writeHeader(k, v);
      res.end(r.body);
    });
  }

  app.any('/*', (res, uwsReq) => {
    const method = uwsReq.getCaseSensitiveMethod().toUpperCase();
    const path = uwsReq.getUrl();
    // one pass over the headers (each native getHeader call costs as much as the whole pass)
    const headers = readHeaders(uwsReq);
    const origin = opts.cors ? (headers.get('origin') ?? '') : '';
    if (
      method === 'OPTIONS' &&
      origin !== '' &&
      (headers.get('access-control-request-method') ?? '') !== ''
    ) {
      preflight(res, origin);
      return;
    }
    const found = table.lookup(method, path);
    if (found.kind !== 'found') {
      opts.observe?.(method, 'other', found.kind === 'not_found' ? 404 : 405, undefined, 0);
      // Drain nothing: uWS discards an unread body when the response ends.
      res.onAborted(() => undefined);
      const r = errorReply(
        found.kind === 'not_found'
          ? new GatewayError('route_not_found', '')
          : new GatewayError('method_not_allowed', '', { headers: [['allow', found.allow]] }),
      );
      res.cork(() => {
        res.writeStatus(`${r.status} ${reasonPhrase(r.status)}`);
        for (const [k, v] of r.headers) res.writeHeader(k, v);
        res.end(r.body);
      });
      return;
    }
    const req: IncomingRequest = {
      method,
      path,
      query: uwsReq.getQuery() ?? '',
      headers,
      remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
      requestId: resolveRequestId(headers, opts.requestIdHeaders, path),
      params: found.params,
    };
    const extra: Array<readonly [string, string]> = [['x-request-id', req.requestId]];
    if (origin !== '') extra.push(...(opts.cors?.responseHeaders(origin) ?? []));
    const sink = new UwsSink(res, extra, found.headOnly);
    const declared = Number(headers.get('content-length') ?? '0');
    if (declared > opts.maxPayloadSize) {
      sendError(
        sink,
        new GatewayError(
          'payload_too_large',
          'Failed to buffer the request body: length limit exceeded',
        ),
        req.requestId,
        true,
      );
      return;
    }
    inflight++;
    const started = performance.now();
    const observe = opts.observe;
    const routePath = found.route.path;
    const hasBody = !BODYLESS.has(method) || declared > 0 || headers.has('transfer-encoding');
    const handler = found.route.handler;
    const complete = (): void => {
      finished();
      // 499 = the client went away before a status was written (nginx's convention)
      observe?.(
        method,
        routePath,
        sink.status || 499,
        sink.errorCode,
        (performance.now() - started) / 1000,
      );
    };
    if (!hasBody) {
      serve(sink, req, EMPTY, handler, complete);
      return;
    }
    readBody(res, sink, opts.maxPayloadSize, (err, body) => {
      if (err !== undefined || body === undefined) {
        if (!sink.aborted) sendError(sink, err, req.requestId, true);
        complete();
        return;
      }
      serve(sink, req, body, handler, complete);
    });
  });

  return {
    get inflight() {
      return inflight;
    },
    listen() {
      return new Promise((resolve, reject) => {
        const onListen = (s: ListenSocket | false): void => {
          if (!s) {
            reject(new Error(`collie: cannot listen on ${opts.host}:${opts.port}`));
            return;
          }
          listenSocket = s;
          resolve(uws.us_socket_local_port(s));
        };
        const options = opts.exclusivePort ? 1 : 0;
        // The native listen accepts (host, port, options, cb); the .d.ts lacks that overload.
        (app.listen as unknown as (h: string, p: number, o: number, cb: typeof onListen) => void)(
          opts.host,
          opts.port,
          options,
          onListen,
        );
      });
    },
    async close(graceMs) {
      if (listenSocket) {
        uws.us_listen_socket_close(listenSocket);
        listenSocket = undefined;
      }
      if (inflight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, graceMs);
          idleWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      (app as unknown as { close(): void }).close();
    },
  };
}
