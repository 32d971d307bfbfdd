import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { parseJsonObject } from './json-body';
import { errorReply, GatewayError } from '../errors/gateway-error';
import { parseUuid } from '../plugins/wasm/api';

/**
 * SMG §5.9: /wasm, admin group. The module registry lives in the primary; an ingress process
 * checks the JSON syntax and the path's UUID, and relays. Without --enable-wasm every route
 * answers an empty 500 (a DELETE with a bad id still gets its 400 first, as in SMG).
 */
function forward(ctx: RouteContext, method: 'GET' | 'POST' | 'DELETE'): Handler {
  const disabled = (): ReturnType<typeof errorReply> =>
    errorReply(new GatewayError('wasm_disabled', ''));
  return async (req, raw, res) => {
    let id: string | undefined;
    if (method === 'DELETE') {
      id = parseUuid(req.params['module_uuid'] ?? '');
      if (id === undefined) {
        const r = errorReply(new GatewayError('wasm_invalid_module_id', ''));
        return res.send(r.status, r.headers, r.body);
      }
    }
    if (!ctx.config.wasm.enabled) {
      const r = disabled();
      return res.send(r.status, r.headers, r.body);
    }
    const body = method === 'POST' ? parseJsonObject(req, raw, 'plain') : undefined;
    // this process's own calls show at once in the listing
    if (method === 'GET') await ctx.wasm?.flushStats();
    const reply = await ctx.control.call(
      'wasm',
      {
        method,
        ...(id !== undefined ? { id } : {}),
        ...(body !== undefined ? { body } : {}),
      },
      300_000, // SMG's registration job timeout
    );
    // a change applies in this process before its answer (the others follow within ms)
    if (method !== 'GET') await ctx.wasm?.sync();
    res.send(reply.status, reply.headers, reply.body);
  };
}

export function wasmRoutes(ctx: RouteContext): Route[] {
  const admin = (h: Handler): Handler => guard(ctx, 'admin', h);
  return [
    { method: 'GET', path: '/wasm', handler: admin(forward(ctx, 'GET')) },
    { method: 'POST', path: '/wasm', handler: admin(forward(ctx, 'POST')) },
    { method: 'DELETE', path: '/wasm/:module_uuid', handler: admin(forward(ctx, 'DELETE')) },
  ];
}
