import type { Dispatcher } from 'undici';
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

/** Request headers forwarded upstream (SMG §5.3.4); everything else stays at the gateway. */
export function forwardedHeaders(headers: ReadonlyMap<string, string>): Record<string, string> {
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
  return out;
}

export function responseHeaders(raw: Dispatcher.ResponseData['headers']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || DROP_RESPONSE_HEADERS.has(k)) continue;
    if (Array.isArray(v)) for (const item of v) out.push([k, item]);
    else out.push([k, v]);
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
  /** Pass the body through as SSE as it arrives. */
  readonly stream: boolean;
  readonly sink: ResponseSink;
  readonly timeoutMs: number;
  /** Optional reshaping of a buffered 2xx answer. */
  readonly transform?: (reply: BufferedReply) => BufferedReply;
}

/**
 * One upstream exchange, relayed to the client. Streams are written as they arrive with
 * backpressure (the next upstream chunk is read only once the client drained the last);
 * a client abort aborts the upstream request at once; an upstream failure after the
 * headers went out ends the stream with an SSE error event.
 */
export async function proxyToWorker(p: ProxyRequest): Promise<void> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, p.timeoutMs);
  p.sink.onAbort(() => ac.abort());
  const url = p.origin + p.path;
  try {
    let res: Dispatcher.ResponseData;
    try {
      res = await p.pools.get(p.origin).request({
        method: p.method,
        path: p.path,
        headers: p.headers,
        body: p.body ?? null,
        signal: ac.signal,
      });
    } catch (err) {
      if (p.sink.aborted) return;
      throw upstreamError(err, url, timedOut);
    }
    if (p.sink.aborted) {
      res.body.destroy();
      return;
    }
    const headers = responseHeaders(res.headers);
    if (p.stream && res.statusCode >= 200 && res.statusCode < 300) {
      await relayStream(res, headers, p.sink, url, () => timedOut);
      return;
    }
    let body: Buffer;
    try {
      body = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      if (p.sink.aborted) return;
      throw upstreamError(err, url, timedOut);
    }
    let reply: BufferedReply = { status: res.statusCode, headers, body };
    if (p.transform && reply.status >= 200 && reply.status < 300) reply = p.transform(reply);
    p.sink.send(reply.status, reply.headers, reply.body);
  } finally {
    clearTimeout(timer);
  }
}

async function relayStream(
  res: Dispatcher.ResponseData,
  headers: Array<[string, string]>,
  sink: ResponseSink,
  url: string,
  timedOut: () => boolean,
): Promise<void> {
  const out = headers.filter(([k]) => k !== 'content-type');
  out.push(['content-type', 'text/event-stream']);
  sink.writeHead(res.statusCode, out);
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (sink.aborted) break;
      if (!sink.write(chunk)) await sink.waitDrain();
    }
  } catch (err) {
    if (sink.aborted) return;
    const e = err instanceof GatewayError ? err : upstreamError(err, url, timedOut());
    const streamErr = new GatewayError(
      e.code === 'call_upstream_timeout' ? e.code : 'call_upstream_body_error',
      `Upstream stream ended abnormally: ${e.message}`,
    );
    sink.write(sseErrorEvent(streamErr));
  } finally {
    if (sink.aborted) res.body.destroy();
    sink.end();
  }
}
