import type { Router, Selection, SelectOptions } from '../../core/router';
import { ANY_MODEL } from '../../core/router';
import type { RequestInfo } from '../../policies/types';
import { GatewayError } from '../../errors/gateway-error';

/** The two pools of a PD deployment, each a router over one role with its own policy. */
export interface PdRouters {
  readonly prefill: Router;
  readonly decode: Router;
}

export interface PdPair {
  readonly prefill: Selection;
  readonly decode: Selection;
}

/**
 * The model key a pool is searched under: the request's model when that pool serves it, else
 * any worker of the pool (SMG's PD router ignores the model outside IGW mode).
 */
function keyIn(r: Router, model: string): string {
  return r.modelIds().includes(model) ? model : ANY_MODEL;
}

function pick(
  r: Router,
  role: 'prefill' | 'decode',
  model: string,
  info: RequestInfo,
  opts: SelectOptions,
): Selection {
  try {
    return r.select(keyIn(r, model), info, opts);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    const why =
      err.code === 'model_not_found'
        ? `No ${role} workers available. Please check if ${role} servers are configured and healthy.`
        : `No available ${role} workers (all circuits open or unhealthy)`;
    throw new GatewayError('server_selection_failed', `No available servers: ${why}`, {
      cause: err,
    });
  }
}

/**
 * Chooses a (prefill, decode) pair, each with its pool's policy: cache-aware on prefill (the
 * prefix index is about where prefill ran), load-aware on decode, as configured. Independent
 * picks, as in SMG. Throws 503 `server_selection_failed` when a pool has nobody.
 */
export function selectPair(
  routers: PdRouters,
  model: string,
  info: RequestInfo,
  opts: SelectOptions,
): PdPair {
  const prefill = pick(routers.prefill, 'prefill', model, info, opts);
  try {
    return { prefill, decode: pick(routers.decode, 'decode', model, info, opts) };
  } catch (err) {
    prefill.release();
    throw err;
  }
}
