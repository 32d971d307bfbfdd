import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { parseJsonObject } from './json-body';
import type { Reply } from '../errors/gateway-error';
import type { TokenizersCall } from '../control/tokenizers-api';

function isReply(v: unknown): v is Reply {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Reply).status === 'number' &&
    Array.isArray((v as Reply).headers)
  );
}

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
    const reply = await ctx.control.call('tokenizers', call);
    if (!isReply(reply)) throw new Error('malformed control-plane reply');
    res.send(reply.status, reply.headers, reply.body);
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
