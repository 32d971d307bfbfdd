import {
  errorRow,
  reasonPhrase,
  type ErrorCode,
  type FixedStatusCode,
  type FromErrorCode,
} from './codes';

export interface GatewayErrorOptions {
  /** Extra response headers (e.g. Allow on 405). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** What went wrong underneath; logged, never sent. */
  readonly cause?: unknown;
  /** The id a `tokenizer_job` reply names (default ''). */
  readonly jobId?: string;
}

/** The one error type the gateway raises; the code decides status and envelope. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. Allow on 405). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly jobId: string;

  /** A code whose status varies in SMG needs its status. */
  constructor(
    code: FromErrorCode,
    message: string,
    opts: GatewayErrorOptions & { readonly status: number },
  );
  constructor(code: FixedStatusCode, message: string, opts?: GatewayErrorOptions);
  constructor(
    code: ErrorCode,
    message: string,
    opts: GatewayErrorOptions & { readonly status?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    const row = errorRow(code);
    this.status = row.status === 'from-error' ? (opts.status ?? 500) : row.status;
    this.headers = opts.headers ?? [];
    this.jobId = opts.jobId ?? '';
  }
}

/** A fully formed HTTP reply, independent of the server library. */
export interface Reply {
  status: number;
  headers: Array<readonly [string, string]>;
  body: string;
}

const JSON_CT = ['content-type', 'application/json'] as const;
const TEXT_CT = ['content-type', 'text/plain; charset=utf-8'] as const;
/** SMG's control-plane challenge (crates/auth middleware.rs). */
const CHALLENGE = ['www-authenticate', 'Bearer realm="control-plane"'] as const;

/**
 * The one place that turns any error into a response. Unknown errors become a 500 with
 * a generic message; their details are for the log (with the request id), never echoed.
 * Every call returns fresh arrays: callers may append headers.
 */
export function errorReply(err: unknown): Reply {
  const e =
    err instanceof GatewayError ? err : new GatewayError('internal_error', 'Internal error');
  const row = errorRow(e.code);
  const headers: Array<readonly [string, string]> = [...e.headers];
  const json = (body: unknown): Reply => {
    headers.push(JSON_CT);
    return { status: e.status, headers, body: JSON.stringify(body) };
  };
  const message = e.message;
  switch (row.shape) {
    case 'router':
      headers.push(JSON_CT, ['x-smg-error-code', e.code]);
      return { status: e.status, headers, body: JSON.stringify(routerBody(e)) };
    case 'validated':
      return json({ error: { message, type: 'invalid_request_error', code: 'json_parse_error' } });
    case 'semantic':
      return json({ error: { message, type: 'invalid_request_error', code: 400 } });
    case 'text':
      headers.push(TEXT_CT);
      return { status: e.status, headers, body: message };
    case 'auth':
      headers.push(TEXT_CT, CHALLENGE);
      return { status: e.status, headers, body: message };
    case 'empty':
      return { status: e.status, headers, body: '' };
    case 'workers':
      return json({ error: message, code: row.wire });
    case 'tokenizer':
      return json({ error: { message, type: row.wire } });
    case 'tokenizer_job':
      return json({ id: e.jobId, status: 'failed', message });
    case 'tokenizer_removal':
      return json({ success: false, message });
    case 'parser':
      return json({ error: message, success: false });
    case 'wasm_body':
    case 'ha':
      return json({ error: message });
  }
}

function routerBody(e: GatewayError): unknown {
  return {
    error: { type: reasonPhrase(e.status), code: e.code, message: e.message, param: null },
  };
}

/** The router-shape JSON for an SSE error event sent after headers are out. */
export function sseErrorEvent(err: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify(routerBody(err))}\n\n`;
}
