import type { Route, Method } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { relayToControl } from './control-relay';
import type { WorkersCall } from '../control/workers-api';
import { parseJsonObject } from './json-body';

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
    await relayToControl(ctx, res, 'workers', call);
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
