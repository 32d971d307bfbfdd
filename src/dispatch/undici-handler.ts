import type { Pool } from 'undici';
import type { ExchangeHandler } from './exchange';

/**
 * undici's dispatch-level handler, confined here. undici 7's HTTP/1 client drives the
 * "legacy" shape natively (onConnect / onHeaders / onData / onComplete / onError): no
 * Readable, no AbortController, no promise per request. Its typings only describe the newer
 * controller shape, hence the one cast below. test/unit/dispatch/undici-handler.test.ts pins
 * the undici major version and this shape's behaviour (backpressure, abort, errors).
 */
export const UNDICI_MAJOR = 7;

export interface UndiciRequest {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  /** Flat name/value list (undici accepts it without building an object). */
  readonly headers: string[];
  readonly body: Buffer | string | null;
}

class LegacyAdapter {
  constructor(private readonly h: ExchangeHandler) {}

  onConnect(abort: (err?: Error) => void): void {
    this.h.onStart((reason) => abort(reason));
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx informational heads are not the answer
    if (status < 200) return true;
    this.h.onHead(status, raw, resume);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.h.onBody(chunk);
  }

  onComplete(): void {
    this.h.onEnd();
  }

  onError(err: Error): void {
    this.h.onError(err);
  }
}

type LegacyDispatch = (opts: object, handler: LegacyAdapter) => boolean;

export function dispatchLegacy(pool: Pool, req: UndiciRequest, h: ExchangeHandler): void {
  (pool.dispatch as unknown as LegacyDispatch).call(pool, req, new LegacyAdapter(h));
}
