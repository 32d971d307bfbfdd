import { GatewayError } from '../../errors/gateway-error';
import { reasonPhrase, type FixedStatusCode } from '../../errors/codes';

export type Leg = 'prefill' | 'decode';

const SUFFIX: Readonly<Record<number, string>> = {
  400: 'bad_request',
  404: 'not_found',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'unavailable',
};

/** The message of an engine's error body: error.message, message, or the text itself. */
export function engineMessage(body: string): string {
  try {
    const j: unknown = JSON.parse(body);
    if (j && typeof j === 'object') {
      const e = (j as { error?: unknown }).error;
      if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
        return (e as { message: string }).message;
      }
      const m = (j as { message?: unknown }).message;
      if (typeof m === 'string') return m;
    }
  } catch {
    // not JSON: the text is the message
  }
  return body;
}

/**
 * SMG's re-wrapping of a failing PD leg (§1.1): the status mirrors the engine's for 400, 404,
 * 500, 502 and 503 (`<leg>_bad_request` …), anything else is 500 `<leg>_error`. The decode
 * message is the engine's own; the prefill message says which leg failed.
 */
export function rewrapLegError(leg: Leg, status: number, body: string): GatewayError {
  const suffix = SUFFIX[status] ?? 'error';
  const code = `${leg}_${suffix}` as FixedStatusCode;
  const message =
    leg === 'decode'
      ? engineMessage(body)
      : `Prefill server error (${status} ${reasonPhrase(status)}): ${body}`;
  return new GatewayError(code, message);
}

/** A leg that failed in transport (no status): SMG's 502 `<leg>_server_error`. */
export function legTransportError(leg: Leg, cause: GatewayError): GatewayError {
  if (cause.code === 'call_upstream_timeout') return cause;
  const name = leg === 'prefill' ? 'Prefill' : 'Decode';
  return new GatewayError(`${leg}_server_error`, `${name} server error: ${cause.message}`, {
    cause,
  });
}

/**
 * vLLM's sequential PD, as SMG's HTTP path answers it: a failing prefill answer keeps its
 * status, with the engine's message, as `prefill_upstream_error` (a failing decode answer is
 * re-wrapped as in dual dispatch).
 */
export function vllmPrefillError(status: number, body: string): GatewayError {
  return new GatewayError('prefill_upstream_error', engineMessage(body), { status });
}

/** vLLM's sequential PD: a leg that failed in transport is SMG's 502 `<leg>_request_failed`. */
export function vllmTransportError(leg: Leg, cause: GatewayError): GatewayError {
  if (cause.code === 'call_upstream_timeout') return cause;
  const name = leg === 'prefill' ? 'Prefill' : 'Decode';
  return new GatewayError(`${leg}_request_failed`, `${name} transport error: ${cause.message}`, {
    cause,
  });
}
