import type { HttpResponse } from './uws';
import type { Lookup } from './route-table';
import type { CorsPolicy } from './cors';
import type { AccessLog } from './access-log';
import { resolveRequestId } from './request-id';
import { GatewayError, errorReply } from '../errors/gateway-error';
import { reasonPhrase } from '../errors/codes';

/**
 * Answers the server gives without any request state (no sink, no body read): CORS
 * preflights and route misses (404 / 405). uWS discards an unread body when the response ends.
 */

/** Access-log facts of a request answered or refused before its body was read. */
export const REJECTED = { bytesIn: 0, bytesOut: 0, seconds: 0 } as const;

interface Reply {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

function answer(res: HttpResponse, r: Reply): void {
  res.cork(() => {
    res.writeStatus(`${r.status} ${reasonPhrase(r.status)}`);
    for (const [k, v] of r.headers) res.writeHeader(k, v);
    res.end(r.body);
  });
}

/** A CORS preflight: 200 with the policy's headers, or the refusal for an origin not allowed. */
export function answerPreflight(
  res: HttpResponse,
  origin: string,
  cors: CorsPolicy | undefined,
): void {
  res.onAborted(() => undefined);
  const headers = cors?.preflightHeaders(origin);
  answer(
    res,
    headers
      ? { status: 200, headers, body: '' }
      : errorReply(new GatewayError('cors_origin_not_allowed', '')),
  );
}

export interface RouteMissContext {
  readonly requestIdHeaders: readonly string[];
  readonly accessLog: AccessLog | undefined;
  readonly observe:
    | ((
        method: string,
        route: string,
        status: number,
        errorCode: undefined,
        seconds: number,
      ) => void)
    | undefined;
}

/** 404 (no such route) or 405 with `Allow` (no such method on the route). */
export function answerRouteMiss(
  res: HttpResponse,
  method: string,
  path: string,
  headers: ReadonlyMap<string, string>,
  found: Exclude<Lookup, { kind: 'found' }>,
  ctx: RouteMissContext,
): void {
  ctx.observe?.(method, 'other', found.kind === 'not_found' ? 404 : 405, undefined, 0);
  res.onAborted(() => undefined);
  const r = errorReply(
    found.kind === 'not_found'
      ? new GatewayError('route_not_found', '')
      : new GatewayError('method_not_allowed', '', { headers: [['allow', found.allow]] }),
  );
  // logged before end(): uWS forbids touching res afterwards
  if (ctx.accessLog?.take()) {
    ctx.accessLog.write(
      {
        method,
        path,
        query: '',
        headers,
        remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
        requestId: resolveRequestId(headers, ctx.requestIdHeaders, path),
        params: {},
      },
      { ...REJECTED, status: r.status, errorCode: undefined },
    );
  }
  answer(res, r);
}
