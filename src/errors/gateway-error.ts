import { ERROR_CODES, reasonPhrase, type ErrorCode } from './codes';

/** The one error type the gateway raises; the code decides status and envelope. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. Allow on 405). */
  readonly headers: ReadonlyArray<readonly [string, string]>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { headers?: ReadonlyArray<readonly [string, string]>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.headers = opts.headers ?? [];
  }
}

/** A fully formed HTTP reply, independent of the server library. */
export interface Reply {
  status: number;
  headers: Array<readonly [string, string]>;
  body: string;
}

/**
 * The one place that turns any error into a response. Unknown errors become a 500 with
 * a generic message; their details are for the log (with the request id), never echoed.
 */
export function errorReply(err: unknown): Reply {
  const e =
    err instanceof GatewayError ? err : new GatewayError('internal_error', 'Internal error');
  const { shape } = ERROR_CODES[e.code];
  const headers: Array<readonly [string, string]> = [...e.headers];
  switch (shape) {
    case 'router':
      headers.push(['content-type', 'application/json'], ['x-smg-error-code', e.code]);
      return {
        status: e.status,
        headers,
        body: JSON.stringify({
          error: { type: reasonPhrase(e.status), code: e.code, message: e.message, param: null },
        }),
      };
    case 'validated':
      headers.push(['content-type', 'application/json']);
      return {
        status: e.status,
        headers,
        body: JSON.stringify({
          error: { message: e.message, type: 'invalid_request_error', code: 'json_parse_error' },
        }),
      };
    case 'semantic':
      headers.push(['content-type', 'application/json']);
      return {
        status: e.status,
        headers,
        body: JSON.stringify({
          error: { message: e.message, type: 'invalid_request_error', code: 400 },
        }),
      };
    case 'text':
      headers.push(['content-type', 'text/plain; charset=utf-8']);
      return { status: e.status, headers, body: e.message };
    case 'empty':
      return { status: e.status, headers, body: '' };
  }
}

/** The router-shape JSON for an SSE error event sent after headers are out. */
export function sseErrorEvent(err: GatewayError): string {
  const body = {
    error: { type: reasonPhrase(err.status), code: err.code, message: err.message, param: null },
  };
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
