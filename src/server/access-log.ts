import type { Logger } from '../util/logger';
import type { IncomingRequest } from './types';

/** What the server knows when a request ended. */
export interface AccessEnd {
  /** Status written; 499 when the client left before one was. */
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly seconds: number;
}

/** One access-log line per finished request that was sampled in. */
export interface AccessLog {
  /**
   * Decided when a request starts: will its line be written (sampled in, info enabled)?
   * The server then keeps what the line needs past the response (the client's address).
   */
  take(): boolean;
  /** Writes the line of a request `take()` accepted. */
  write(req: IncomingRequest, end: AccessEnd): void;
}

export interface AccessLogOptions {
  readonly logger: Logger;
  /** Fraction of requests logged, 0…1 (0: off). */
  readonly sampleRate: number;
  /** Uniform [0, 1) (injected for tests). */
  readonly random?: () => number;
}

const ms = (v: number | undefined): number | undefined =>
  v === undefined ? undefined : Math.round(v * 1000) / 1000;

/**
 * The access log: one structured line per request at info, built only when it is written
 * (sampled in and the level enabled). Fields missing for a request (no model on /health,
 * no tokens when the engine reported no usage) are left out, not null.
 */
export function createAccessLog(opts: AccessLogOptions): AccessLog | undefined {
  const { logger, sampleRate } = opts;
  if (sampleRate <= 0) return undefined;
  const random = opts.random ?? Math.random;
  const take = (): boolean =>
    (sampleRate >= 1 || random() < sampleRate) && logger.isLevelEnabled('info');
  const write = (req: IncomingRequest, end: AccessEnd): void => {
    const n = req.notes;
    const tpot =
      n?.firstByteAt !== undefined &&
      n.lastByteAt !== undefined &&
      n.completionTokens !== undefined &&
      n.completionTokens > 1
        ? (n.lastByteAt - n.firstByteAt) / (n.completionTokens - 1)
        : undefined;
    logger.info(
      {
        access: true,
        requestId: req.requestId,
        method: req.method,
        path: req.path,
        status: end.status,
        errorCode: end.errorCode,
        model: n?.model,
        worker: n?.worker,
        routeReason: n?.reason,
        attempts: n?.attempts,
        latencyMs: ms(end.seconds * 1000),
        ttftMs: ms(n?.ttftMs),
        tpotMs: ms(tpot),
        promptTokens: n?.promptTokens,
        completionTokens: n?.completionTokens,
        cachedTokens: n?.cachedTokens,
        bytesIn: end.bytesIn,
        bytesOut: end.bytesOut,
        client: req.remoteAddress,
      },
      'request',
    );
  };
  return { take, write };
}
