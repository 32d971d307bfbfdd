import type { ResponseSink } from '../server/types';
import type { RouteContext } from './context';
import type { ControlOps } from '../cluster/control-protocol';

/** The control ops that answer an HTTP request with a ready reply. */
type RelayOp = 'workers' | 'tokenizers' | 'ha';

/**
 * Hands a call to the primary's control plane and sends its reply as is: the workers and
 * tokenizers APIs live there, an ingress process only relays.
 */
export async function relayToControl<K extends RelayOp>(
  ctx: RouteContext,
  res: ResponseSink,
  op: K,
  call: ControlOps[K]['payload'],
): Promise<void> {
  const reply = await ctx.control.call(op, call);
  res.send(reply.status, reply.headers, reply.body);
}
