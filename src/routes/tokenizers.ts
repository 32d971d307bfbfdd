import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { relayToControl } from './control-relay';
import { parseJsonObject } from './json-body';
import type { TokenizersCall } from '../control/tokenizers-api';

/**
 * The tokenizer registry lives in the primary: an ingress process checks the JSON syntax
 * (axum's 400/415 text) and hands the call over, like the workers API.
 */
function forward(ctx: RouteContext, method: 'GET' | 'POST' | 'DELETE', status = false): Handler {
  return async (req, raw, res) => {
    const body = method === 'POST' ? parseJsonObject(req, raw, 'plain') : undefined;
    const id = req.params['tokenizer_id'];
    const call: TokenizersCall = {
      kind: 'api',
      method,
      ...(id !== undefined ? { id } : {}),
      ...(status ? { status } : {}),
      ...(body !== undefined ? { body } : {}),
    };
    await relayToControl(ctx, res, 'tokenizers', call);
  };
}

/** SMG §7: /v1/tokenizers*, admin group (control-plane auth). */
export function tokenizersRoutes(ctx: RouteContext): Route[] {
  const one = '/v1/tokenizers/:tokenizer_id';
  const admin = (h: Handler): Handler => guard(ctx, 'admin', h);
  return [
    { method: 'POST', path: '/v1/tokenizers', handler: admin(forward(ctx, 'POST')) },
    { method: 'GET', path: '/v1/tokenizers', handler: admin(forward(ctx, 'GET')) },
    { method: 'GET', path: one, handler: admin(forward(ctx, 'GET')) },
    { method: 'DELETE', path: one, handler: admin(forward(ctx, 'DELETE')) },
    { method: 'GET', path: `${one}/status`, handler: admin(forward(ctx, 'GET', true)) },
  ];
}
