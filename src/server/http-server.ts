import { loadUws, type HttpRequest, type ListenSocket } from './uws';
import type { Route, RouteTable } from './route-table';
import type { Completion, IncomingRequest } from './types';
import { UwsSink } from './uws-sink';
import { Incoming } from './incoming';
import type { CorsPolicy } from './cors';
import { requestIdPrefix, resolveRequestId } from './request-id';
import { GatewayError, errorReply } from '../errors/gateway-error';
import { REJECTED, answerPreflight, answerRouteMiss } from './stateless-answers';
import type { Logger } from '../util/logger';
import { readBody, pendingFull, pendingFullError, type BodyLimits } from './body-reader';
import type { AccessLog } from './access-log';
import type { Deadlines } from '../dispatch/deadlines';

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
  /** Body deadline and the bound on unfinished bodies (flags-hardening.ts). */
  readonly body?: {
    readonly timeoutMs: number;
    readonly maxPendingBytes: number;
    readonly deadlines: Deadlines;
    readonly now: () => number;
  };
  /**
   * Bytes of large bodies (≥ 1 MiB each) held for parsing and handling at once; past it such
   * a body gets 503 + Retry-After. 0 or unset: no budget.
   */
  readonly parseBudgetBytes?: number;
  /** One line per finished request. */
  readonly accessLog?: AccessLog;
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
  /** Bytes of request bodies still being received. */
  readonly pendingBodyBytes: number;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The method, upper-cased. The common ones come back as this module's literals: a fresh string
 * from uWS would be hashed again by every map it is looked up in (routes, metrics, BODYLESS).
 */
function canonicalMethod(m: string): string {
  switch (m) {
    case 'POST':
      return 'POST';
    case 'GET':
      return 'GET';
    default:
      return m.toUpperCase();
  }
}

/** Generated request ids' prefix per route (computed once, not per request). */
const ID_PREFIXES = new WeakMap<Route, string>();
function idPrefix(route: Route): string {
  let p = ID_PREFIXES.get(route);
  if (p === undefined) ID_PREFIXES.set(route, (p = requestIdPrefix(route.path)));
  return p;
}

/** The map `readHeaders` fills: its callback is one function for every request, no closure. */
let reading = new Map<string, string>();
function readHeader(k: string, v: string): void {
  const prev = reading.get(k);
  reading.set(k, prev === undefined ? v : `${prev}, ${v}`);
}

function readHeaders(req: HttpRequest): Map<string, string> {
  const headers = (reading = new Map<string, string>());
  req.forEach(readHeader);
  return headers;
}

/**
 * The largest Content-Length uWS 20.30's parser accepts: a value of ten digits or more closes
 * the connection before any handler runs (measured), so no 413 can be written for it.
 */
export const UWS_MAX_DECLARED_LENGTH = 999_999_999;

/** Bodies at least this large count against the parse budget (small ones never wait). */
const PARSE_BUDGET_MIN_BYTES = 1 << 20;

const EMPTY = Buffer.alloc(0);

const NOOP = (): void => undefined;

const tooLarge = (): GatewayError =>
  new GatewayError('payload_too_large', 'Failed to buffer the request body: length limit exceeded');

/** Deadlines that never fire (no body deadline configured). */
const NO_DEADLINES: Deadlines = {
  at: () => ({ cancel: () => undefined }),
  tick: () => undefined,
  size: 0,
  slots: 0,
  close: () => undefined,
};

function parseBudgetError(): GatewayError {
  return new GatewayError(
    'json_parse_budget_exceeded',
    'Too many large request bodies are being processed; retry later',
    { headers: [['retry-after', '1']] },
  );
}

export function createHttpServer(table: RouteTable, opts: HttpServerOptions): HttpServer {
  const uws = loadUws();
  const app = opts.tls
    ? uws.SSLApp({ cert_file_name: opts.tls.certPath, key_file_name: opts.tls.keyPath })
    : uws.App();
  const { logger } = opts;
  if (opts.maxPayloadSize > UWS_MAX_DECLARED_LENGTH) {
    logger.warn(
      { maxPayloadSize: opts.maxPayloadSize, limit: UWS_MAX_DECLARED_LENGTH },
      '--max-payload-size is above what the HTTP parser accepts as a Content-Length: ' +
        'a request declaring more than the limit has its connection closed without an answer',
    );
  }
  let listenSocket: ListenSocket | undefined;
  let inflight = 0;
  const limits: BodyLimits = {
    maxPayloadSize: opts.maxPayloadSize,
    timeoutMs: opts.body?.timeoutMs ?? 0,
    maxPendingBytes: opts.body?.maxPendingBytes ?? 0,
    deadlines: opts.body?.deadlines ?? NO_DEADLINES,
    now: opts.body?.now ?? (() => performance.now()),
  };
  const pending = { bytes: 0 };
  const parseBudget = opts.parseBudgetBytes ?? 0;
  let parseHeld = 0;
  const accessLog = opts.accessLog;
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
    handler: (r: IncomingRequest, b: Buffer, s: UwsSink) => Promise<void> | Completion | void,
    complete: () => void,
  ): void {
    let pending: Promise<void> | Completion | void;
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

  /** Refuses a request before its body is read (413, 503) and closes the connection. */
  function refuse(sink: UwsSink, req: Incoming, err: GatewayError): void {
    const logged = accessLog?.take() === true;
    if (logged) req.captureAddress();
    sendError(sink, err, req.requestId, true);
    if (logged)
      accessLog?.write(req, { ...REJECTED, status: sink.status, errorCode: sink.errorCode });
  }

  /**
   * Takes `size` bytes of the parse budget for a large body, released by the returned
   * function (idempotent) at the answer's status line or the end of the request, whichever
   * comes first; undefined when the budget is full (one large body always passes).
   */
  function takeBudget(sink: UwsSink, size: number): (() => void) | undefined {
    if (parseBudget === 0 || size < PARSE_BUDGET_MIN_BYTES) return NOOP;
    if (parseHeld > 0 && parseHeld + size > parseBudget) return undefined;
    parseHeld += size;
    let held = size;
    const release = (): void => {
      parseHeld -= held;
      held = 0;
    };
    sink.onHeadWritten = release;
    return release;
  }

  app.any('/*', (res, uwsReq) => {
    const method = canonicalMethod(uwsReq.getCaseSensitiveMethod());
    const path = uwsReq.getUrl();
    // one pass over the headers (each native getHeader call costs as much as the whole pass)
    const headers = readHeaders(uwsReq);
    const origin = opts.cors ? (headers.get('origin') ?? '') : '';
    if (
      method === 'OPTIONS' &&
      origin !== '' &&
      (headers.get('access-control-request-method') ?? '') !== ''
    ) {
      answerPreflight(res, origin, opts.cors);
      return;
    }
    const found = table.lookup(method, path);
    if (found.kind !== 'found') {
      return answerRouteMiss(res, method, path, headers, found, {
        requestIdHeaders: opts.requestIdHeaders,
        accessLog,
        observe: opts.observe,
      });
    }
    const requestId = resolveRequestId(headers, opts.requestIdHeaders, path, idPrefix(found.route));
    const cors = origin !== '' ? opts.cors?.responseHeaders(origin) : undefined;
    const sink = new UwsSink(res, requestId, cors, found.headOnly);
    const query = uwsReq.getQuery() ?? '';
    const req = new Incoming(method, path, query, headers, requestId, found.params, sink);
    const declared = Number(headers.get('content-length') ?? '0');
    if (declared > opts.maxPayloadSize) return refuse(sink, req, tooLarge());
    const hasBody = !BODYLESS.has(method) || declared > 0 || headers.has('transfer-encoding');
    if (hasBody && declared > 0 && pendingFull(limits, pending, declared)) {
      return refuse(sink, req, pendingFullError());
    }
    inflight++;
    const started = performance.now();
    const routePath = found.route.path;
    const handler = found.route.handler;
    let bytesIn = 0;
    let release = NOOP;
    // the access log's line outlives the connection: read the address while it is there
    const logged = accessLog?.take() === true;
    if (logged) req.captureAddress();
    const complete = (): void => {
      finished();
      release();
      // 499 = the client went away before a status was written (nginx's convention)
      const status = sink.status || 499;
      const seconds = (performance.now() - started) / 1000;
      opts.observe?.(method, routePath, status, sink.errorCode, seconds);
      const bytesOut = sink.bytesOut;
      if (logged)
        accessLog?.write(req, { status, errorCode: sink.errorCode, bytesIn, bytesOut, seconds });
    };
    if (!hasBody) return serve(sink, req, EMPTY, handler, complete);
    readBody(res, sink, limits, pending, (err, body) => {
      if (err !== undefined || body === undefined) {
        if (!sink.aborted) sendError(sink, err, req.requestId, true);
        return complete();
      }
      bytesIn = body.length;
      const taken = takeBudget(sink, body.length);
      if (!taken) {
        sendError(sink, parseBudgetError(), req.requestId);
        return complete();
      }
      release = taken;
      serve(sink, req, body, handler, complete);
    });
  });

  return {
    get inflight() {
      return inflight;
    },
    get pendingBodyBytes() {
      return pending.bytes;
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
