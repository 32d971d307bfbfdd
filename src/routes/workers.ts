import type { Route, Method } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import type { Reply } from '../errors/gateway-error';
import type { WorkersCall } from '../control/workers-api';
import { parseJsonObject } from './json-body';

function isReply(v: unknown): v is Reply {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Reply).status === 'number' &&
    Array.isArray((v as Reply).headers)
  );
}

/**
 * The workers API lives with the registry in the primary; an ingress process checks the
 * JSON syntax (axum's 400/415 text) and hands the call over.
 */
function forward(ctx: RouteContext, method: Method): Handler {
  return async (req, raw, res) => {
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const body = hasBody ? parseJsonObject(req, raw, 'plain') : undefined;
    const call: WorkersCall = {
      method,
      query: req.query,
      ...(req.params['worker_id'] !== undefined ? { id: req.params['worker_id'] } : {}),
      ...(body !== undefined ? { body } : {}),
    };
    const reply = await ctx.control.call('workers', call);
    if (!isReply(reply)) throw new Error('malformed control-plane reply');
    res.send(reply.status, reply.headers, reply.body);
  };
}

export function workersRoutes(ctx: RouteContext): Route[] {
  const one = '/workers/:worker_id';
  return [
    { method: 'GET', path: '/workers', handler: guard(ctx, 'admin', forward(ctx, 'GET')) },
    { method: 'POST', path: '/workers', handler: guard(ctx, 'admin', forward(ctx, 'POST')) },
    { method: 'GET', path: one, handler: guard(ctx, 'admin', forward(ctx, 'GET')) },
    { method: 'PUT', path: one, handler: guard(ctx, 'admin', forward(ctx, 'PUT')) },
    { method: 'PATCH', path: one, handler: guard(ctx, 'admin', forward(ctx, 'PATCH')) },
    { method: 'DELETE', path: one, handler: guard(ctx, 'admin', forward(ctx, 'DELETE')) },
  ];
}
