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

function codeOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_SOCKET') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return (err as { code?: string } | undefined)?.code;
}

/**
 * Maps an upstream transport failure to SMG's codes. SMG's check order folds connection
 * refusals and timeouts into 500 call_upstream_request_error; collie reports them as what
 * they are: 502 connection failed, 504 timeout, 502 request failed (reset, protocol error).
 */
export function upstreamError(err: unknown, url: string, timedOut: boolean): GatewayError {
  const code = codeOf(err);
  const text = err instanceof Error ? err.message : String(err);
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new GatewayError('call_upstream_timeout', `Upstream request timed out. URL: ${url}`, {
      cause: err,
    });
  }
  if (code !== undefined && CONNECT_CODES.has(code)) {
    return new GatewayError(
      'call_upstream_connection_failed',
      `Failed to connect to worker (${code}). URL: ${url}`,
      { cause: err },
    );
  }
  return new GatewayError('call_upstream_request_failed', `${text}. URL: ${url}`, { cause: err });
}
