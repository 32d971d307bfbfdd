import type { Handler, HeaderList, IncomingRequest, ResponseSink } from '../../server/types';
import type { Logger } from '../../util/logger';
import { errorReply, GatewayError } from '../../errors/gateway-error';
import type { IngressWasm } from './ingress';
import { applyHeaderActions, toHeaderMap, toWasmHeaders } from './headers';
import { WASM_LIMITS } from './types';

/** SMG answers an invalid module status (outside 100..=999) with 400. */
const statusOf = (n: number): number => (n >= 100 && n <= 999 ? n : 400);

type RequestOutcome =
  | { readonly kind: 'reject'; readonly status: number }
  | { readonly kind: 'next'; readonly req: IncomingRequest; readonly body: Buffer };

/** OnRequest: each module in turn sees what the previous one left. */
async function onRequest(
  wasm: IngressWasm,
  req: IncomingRequest,
  body: Buffer,
): Promise<RequestOutcome> {
  let headers: Array<readonly [string, string]> = [...req.headers];
  let current = body;
  let changed = false;
  for (const m of wasm.modules('OnRequest')) {
    const o = await wasm.call(m, 'OnRequest', {
      method: req.method,
      path: req.path,
      query: req.query,
      headers: toWasmHeaders(headers),
      body: current,
      requestId: req.requestId,
      nowEpochMs: BigInt(Date.now()),
    });
    if (!o.ok) continue; // fail-open
    const a = o.action;
    if (a.tag === 'reject') return { kind: 'reject', status: statusOf(a.val) };
    if (a.tag === 'modify') {
      headers = applyHeaderActions(headers, a.val);
      if (a.val.bodyReplace !== undefined) current = Buffer.from(a.val.bodyReplace);
      changed = true;
    }
  }
  const next = changed ? { ...req, headers: toHeaderMap(headers) } : req;
  return { kind: 'next', req: next, body: current };
}

/**
 * A sink whose complete (buffered) responses pass through OnResponse before they are sent;
 * streamed responses go straight through (SMG skips OnResponse for them).
 */
class OnResponseSink implements ResponseSink {
  private sending: Promise<void> | undefined;
  private sent = false;

  constructor(
    private readonly inner: ResponseSink,
    private readonly wasm: IngressWasm,
  ) {}

  get aborted(): boolean {
    return this.inner.aborted;
  }
  get headersSent(): boolean {
    return this.sent || this.inner.headersSent;
  }
  onAbort(cb: () => void): void {
    this.inner.onAbort(cb);
  }
  send(status: number, headers: HeaderList, body: string | Uint8Array): void {
    if (this.sent) return;
    this.sent = true;
    this.sending = this.respond(status, [...headers], Buffer.from(body));
  }
  writeHead(status: number, headers: HeaderList): void {
    this.inner.writeHead(status, headers);
  }
  write(chunk: Uint8Array | string): boolean {
    return this.inner.write(chunk);
  }
  waitDrain(): Promise<void> {
    return this.inner.waitDrain();
  }
  end(chunk?: Uint8Array | string): void {
    this.inner.end(chunk);
  }
  cork(fn: () => void): void {
    if (this.inner.cork) this.inner.cork(fn);
    else fn();
  }

  /** Resolves once a buffered response went out. */
  flushed(): Promise<void> {
    return this.sending ?? Promise.resolve();
  }

  private async respond(
    status: number,
    headers: Array<readonly [string, string]>,
    body: Buffer,
  ): Promise<void> {
    const ct = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    const streamed = ct.includes('text/event-stream') || ct.includes('application/x-ndjson');
    let s = status;
    let h = headers.map(([n, v]) => [n.toLowerCase(), v] as const);
    let b = body;
    for (const m of streamed ? [] : this.wasm.modules('OnResponse')) {
      if (this.inner.aborted) return;
      const o = await this.wasm.call(m, 'OnResponse', {
        status: s,
        headers: toWasmHeaders([...h, ['content-length', String(b.length)]]),
        body: b,
      });
      if (!o.ok) continue; // fail-open
      const a = o.action;
      if (a.tag === 'reject') {
        s = statusOf(a.val);
        break;
      }
      if (a.tag === 'modify') {
        if (a.val.status !== undefined)
          s = a.val.status >= 100 && a.val.status <= 999 ? a.val.status : s;
        h = applyHeaderActions(h, a.val);
        if (a.val.bodyReplace !== undefined) b = Buffer.from(a.val.bodyReplace);
      }
    }
    // the length is the body's own (recomputed by the server); a module cannot fake it
    const out = h.filter(([n]) => n !== 'content-length' && n !== 'transfer-encoding');
    this.inner.send(s, out, b);
  }
}

/**
 * SMG's WASM middleware around a protected route, outermost (before authentication):
 * OnRequest modules may reject or rewrite headers and body before the route parses them;
 * OnResponse modules may rewrite a buffered answer. Every module failure fails open.
 */
export function withWasm(wasm: IngressWasm, logger: Logger, handler: Handler): Handler {
  return async (req, body, res) => {
    const hasRequest = wasm.modules('OnRequest').length > 0;
    const hasResponse = wasm.modules('OnResponse').length > 0;
    if (!hasRequest && !hasResponse) return handler(req, body, res);
    let next: RequestOutcome = { kind: 'next', req, body };
    if (hasRequest) {
      if (body.length > WASM_LIMITS.maxBodyBytes) {
        const r = errorReply(
          new GatewayError(
            'wasm_body_too_large',
            'Failed to read request body: length limit exceeded',
          ),
        );
        return res.send(r.status, r.headers, r.body);
      }
      next = await onRequest(wasm, req, body);
      if (res.aborted) return;
      if (next.kind === 'reject') {
        const r = errorReply(new GatewayError('wasm_rejected', '', { status: next.status }));
        return res.send(r.status, r.headers, r.body);
      }
    }
    if (!hasResponse) return handler(next.req, next.body, res);
    const sink = new OnResponseSink(res, wasm);
    try {
      await handler(next.req, next.body, sink);
    } catch (err) {
      if (sink.headersSent) throw err;
      if (!(err instanceof GatewayError))
        logger.error({ err, requestId: req.requestId }, 'unhandled error');
      const r = errorReply(err);
      sink.send(r.status, r.headers, r.body);
    }
    await sink.flushed();
  };
}
