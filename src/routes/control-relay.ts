import type { Reply } from '../errors/gateway-error';
import type { ResponseSink } from '../server/types';
import type { RouteContext } from './context';

function isReply(v: unknown): v is Reply {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Reply).status === 'number' &&
    Array.isArray((v as Reply).headers)
  );
}

/**
 * Hands a call to the primary's control plane (op = its RPC name) and sends its reply as is:
 * the workers and tokenizers APIs live there, an ingress process only relays.
 */
export async function relayToControl(
  ctx: RouteContext,
  res: ResponseSink,
  op: string,
  call: unknown,
): Promise<void> {
  const reply = await ctx.control.call(op, call);
  if (!isReply(reply)) throw new Error('malformed control-plane reply');
  res.send(reply.status, reply.headers, reply.body);
}
