import type { UpstreamPools } from './upstream';
import type { ResponseSink } from '../server/types';
import { GatewayError, sseErrorEvent } from '../errors/gateway-error';
import { upstreamError } from './upstream-errors';

/** Response headers never copied back to the client (hop-by-hop, or recomputed by us). */
const DROP_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'date',
  'x-request-id',
]);

/**
 * Request headers forwarded upstream (SMG §5.3.4); everything else stays at the gateway.
 * A worker registered with its own api_key gets `Authorization: Bearer <worker key>`
 * instead of the client's header (SMG sends both; one credential per request is what
 * engines expect, and the client's gateway key is not the engine's business).
 */
export function forwardedHeaders(
  headers: ReadonlyMap<string, string>,
  workerApiKey?: string,
): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of headers) {
    if (
      k === 'authorization' ||
      k === 'x-request-id' ||
      k === 'x-correlation-id' ||
      k === 'traceparent' ||
      k === 'tracestate' ||
      k === 'x-smg-routing-key' ||
      k.startsWith('x-request-id-')
    ) {
      out[k] = v;
    }
  }
  if (workerApiKey !== undefined) out['authorization'] = `Bearer ${workerApiKey}`;
  return out;
}

/** undici's raw header list (name, value, name, value…) minus the dropped names. */
export function responseHeaders(raw: readonly Buffer[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    if (!DROP_RESPONSE_HEADERS.has(name)) out.push([name, (raw[i + 1] as Buffer).toString('utf8')]);
  }
  return out;
}

/** A buffered upstream answer that a route may reshape before it is sent (rerank). */
export interface BufferedReply {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface ProxyRequest {
  readonly pools: UpstreamPools;
  readonly origin: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer | string;
  /** Pass a 2xx body through as SSE as it arrives. */
  readonly stream: boolean;
  readonly sink: ResponseSink;
  readonly timeoutMs: number;
  /** Optional reshaping of a buffered 2xx answer. */
  readonly transform?: (reply: BufferedReply) => BufferedReply;
  /** The engine's status line arrived. */
  readonly onResponse?: (status: number) => void;
  /** The first body byte of a streamed answer arrived (TTFT). */
  readonly onFirstByte?: () => void;
  /**
   * Statuses to hold back instead of relaying (a retry may still follow): such an answer
   * is buffered and returned to the caller, nothing is written to the client.
   */
  readonly holdStatuses?: ReadonlySet<number>;
  /** Sees a buffered 2xx answer before it is sent (routing-precision metric). */
  readonly onBody?: (body: Buffer) => void;
  /** Headers added to the relayed answer (routing transparency). */
  readonly extraHeaders?: () => ReadonlyArray<readonly [string, string]>;
}

/**
 * undici's dispatch-level handler (the interface its HTTP/1 client drives directly): no
 * Readable, no AbortController per request. Streams go to the sink chunk by chunk; when the
 * client's socket is backed up, onData returns false (undici stops reading the engine's
 * socket) until the sink drains.
 */
class RelayHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private status = 0;
  private headers: Array<[string, string]> = [];
  private streaming = false;
  private sawData = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly timer: NodeJS.Timeout;
  timedOut = false;

  constructor(
    private readonly p: ProxyRequest,
    private readonly resolve: (held: BufferedReply | undefined) => void,
    private readonly reject: (err: GatewayError) => void,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abortUpstream?.(new Error('request timeout'));
    }, p.timeoutMs);
    p.sink.onAbort(() => this.abortUpstream?.(new Error('client disconnected')));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.p.sink.aborted) abort(new Error('client disconnected'));
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    this.status = status;
    this.p.onResponse?.(status);
    this.headers = responseHeaders(raw);
    if (this.p.extraHeaders) for (const [k, v] of this.p.extraHeaders()) this.headers.push([k, v]);
    this.resumeUpstream = resume;
    if (this.p.stream && status >= 200 && status < 300) {
      this.streaming = true;
      const out = this.headers.filter(([k]) => k !== 'content-type');
      out.push(['content-type', 'text/event-stream']);
      this.p.sink.writeHead(status, out);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.streaming) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      return true;
    }
    if (!this.sawData) {
      this.sawData = true;
      this.p.onFirstByte?.();
    }
    if (this.p.sink.write(chunk)) return true;
    void this.p.sink.waitDrain().then(() => this.resumeUpstream?.());
    return false;
  }

  onComplete(): void {
    const { sink, transform } = this.p;
    if (this.streaming) {
      sink.end();
      this.finish();
      return;
    }
    let reply: BufferedReply = {
      status: this.status,
      headers: this.headers,
      body:
        this.chunks.length === 1
          ? (this.chunks[0] as Buffer)
          : Buffer.concat(this.chunks, this.size),
    };
    if (this.p.onBody && reply.status >= 200 && reply.status < 300) this.p.onBody(reply.body);
    if (this.p.holdStatuses?.has(reply.status)) {
      this.finish(undefined, reply);
      return;
    }
    try {
      if (transform && reply.status >= 200 && reply.status < 300) reply = transform(reply);
    } catch (err) {
      this.finish(err instanceof GatewayError ? err : upstreamError(err, this.url(), false));
      return;
    }
    sink.send(reply.status, reply.headers, reply.body);
    this.finish();
  }

  onError(err: Error): void {
    const { sink } = this.p;
    if (sink.aborted) return this.finish();
    const e = upstreamError(err, this.url(), this.timedOut);
    if (!this.streaming) return this.finish(e);
    const streamErr = new GatewayError(
      e.code === 'call_upstream_timeout' ? e.code : 'call_upstream_body_error',
      `Upstream stream ended abnormally: ${e.message}`,
    );
    sink.write(sseErrorEvent(streamErr));
    sink.end();
    this.finish();
  }

  private url(): string {
    return this.p.origin + this.p.path;
  }

  private finish(err?: GatewayError, held?: BufferedReply): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    if (err) this.reject(err);
    else this.resolve(held);
  }
}

type LegacyDispatch = (opts: object, handler: RelayHandler) => boolean;

/**
 * One upstream exchange, relayed to the client. Resolves when the response is complete (or
 * the client left) — with the buffered answer instead if its status is in `holdStatuses`;
 * rejects with a GatewayError only while nothing has been sent yet, so the caller can retry
 * or answer with SMG's envelope. After SSE headers went out, an upstream failure ends the
 * stream with an error event instead.
 */
export function proxyToWorker(p: ProxyRequest): Promise<BufferedReply | undefined> {
  return new Promise<BufferedReply | undefined>((resolve, reject) => {
    const handler = new RelayHandler(p, resolve, reject);
    const pool = p.pools.get(p.origin);
    // The legacy handler shape is what undici's HTTP/1 client calls natively; its typings
    // only describe the newer controller-based shape, hence the cast.
    (pool.dispatch as unknown as LegacyDispatch).call(
      pool,
      {
        origin: p.origin,
        method: p.method,
        path: p.path,
        headers: p.headers,
        body: p.body ?? null,
      },
      handler,
    );
  });
}
