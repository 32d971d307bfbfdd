import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { MAX_CONFIG_KEY_CHARS, MAX_CONFIG_VALUE_BYTES, type HaCall, type HaOp } from '../ha/ha-api';
import { errorReply, GatewayError } from '../errors/gateway-error';
import { relayToControl } from './control-relay';
import { parseJsonObject } from './json-body';

/**
 * /ha/* (SMG §5.13): data-plane API-key auth only (no admission, no rate limit, as SMG
 * mounted them); the control plane answers (503 "mesh not enabled" without --redis-url).
 */
function haHandler(ctx: RouteContext, op: HaOp, param?: string): Handler {
  const withBody = op === 'config-set' || op === 'rate-limit-set';
  const withLoads = op === 'workers' || op === 'worker';
  return async (req, raw, res) => {
    const outcome = ctx.auth.dataPlane(req.headers, req);
    if (!outcome.ok) {
      res.send(outcome.reply.status, outcome.reply.headers, outcome.reply.body);
      return;
    }
    const arg = param === undefined ? undefined : req.params[param];
    const refused = tooLarge(op, arg, raw);
    if (refused !== undefined) {
      const r = errorReply(new GatewayError(refused.code, refused.message));
      res.send(r.status, r.headers, r.body);
      return;
    }
    const body = withBody ? parseJsonObject(req, raw, 'plain') : undefined;
    const call: HaCall = {
      op,
      ...(arg !== undefined ? { arg } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(withLoads ? { loads: loadsOf(ctx) } : {}),
    };
    await relayToControl(ctx, res, 'ha', call);
  };
}

/**
 * Caps checked before anything crosses to the control plane: a config body beyond twice the
 * value cap (hex) plus room for the key, and path parameters no key, id or model can reach.
 */
function tooLarge(
  op: HaOp,
  arg: string | undefined,
  raw: Buffer,
): { code: 'ha_bad_request' | 'ha_not_found'; message: string } | undefined {
  if (op === 'config-set' && raw.length > 2 * MAX_CONFIG_VALUE_BYTES + 4096) {
    return {
      code: 'ha_bad_request',
      message: `Config value too large (max ${MAX_CONFIG_VALUE_BYTES} bytes)`,
    };
  }
  if (arg !== undefined && arg.length > 4096) {
    const what = op === 'config-get' ? 'Config' : op === 'policy' ? 'Policy' : 'Worker';
    return { code: 'ha_not_found', message: `${what} not found` };
  }
  if (op === 'config-get' && arg !== undefined && arg.length > MAX_CONFIG_KEY_CHARS) {
    return { code: 'ha_not_found', message: 'Config not found' };
  }
  return undefined;
}

/** In-flight requests per worker, cluster-wide (this replica's view). */
function loadsOf(ctx: RouteContext): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of ctx.router.workers()) out[w.id] = ctx.loads.get(w.id);
  return out;
}

export function haRoutes(ctx: RouteContext): Route[] {
  const get = (path: string, op: HaOp, param?: string): Route => ({
    method: 'GET',
    path,
    handler: haHandler(ctx, op, param),
  });
  const post = (path: string, op: HaOp): Route => ({
    method: 'POST',
    path,
    handler: haHandler(ctx, op),
  });
  return [
    get('/ha/status', 'status'),
    get('/ha/health', 'health'),
    get('/ha/workers', 'workers'),
    get('/ha/workers/:worker_id', 'worker', 'worker_id'),
    get('/ha/policies', 'policies'),
    get('/ha/policies/:model_id', 'policy', 'model_id'),
    get('/ha/config/:key', 'config-get', 'key'),
    post('/ha/config', 'config-set'),
    get('/ha/rate-limit', 'rate-limit-get'),
    post('/ha/rate-limit', 'rate-limit-set'),
    get('/ha/rate-limit/stats', 'rate-limit-stats'),
    post('/ha/shutdown', 'shutdown'),
  ];
}
