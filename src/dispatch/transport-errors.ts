import { GatewayError } from '../errors/gateway-error';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EADDRNOTAVAIL',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The first meaningful error code on the cause chain (undici wraps socket errors). */
export function transportCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_SOCKET') return c;
    e = (e as { cause?: unknown }).cause;
  }
  const top = (err as { code?: unknown } | null | undefined)?.code;
  return typeof top === 'string' ? top : undefined;
}

/**
 * Maps an upstream transport failure to SMG's codes. SMG's check order folds connection
 * refusals and timeouts into 500 call_upstream_request_error; collie reports them as what
 * they are: 502 connection failed, 504 timeout, 502 request failed (reset, protocol error).
 * The message names no URL (clients must not learn the fleet's addresses): the engine's
 * origin travels on the error (`upstream`) for the log only.
 */
export function transportError(err: unknown, timedOut: boolean): GatewayError {
  const code = transportCode(err);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new GatewayError('call_upstream_timeout', 'Upstream request timed out', { cause: err });
  }
  if (code !== undefined && CONNECT_CODES.has(code)) {
    return new GatewayError(
      'call_upstream_connection_failed',
      `Failed to connect to worker (${code})`,
      {
        cause: err,
      },
    );
  }
  const what = code !== undefined ? ` (${code})` : '';
  return new GatewayError('call_upstream_request_failed', `Upstream request failed${what}`, {
    cause: err,
  });
}
