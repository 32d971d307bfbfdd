/**
 * The stored-response routes of the Responses API as SMG's HTTP routers answer them.
 * In HTTP mode `POST /v1/responses` is a passthrough and nothing is stored, so SMG's history
 * storage has no response to show: GET, DELETE and input_items answer 404 `not_found`
 * (server.rs → routers/responses/handlers.rs). `/cancel` is the regular router's fan-out:
 * every worker gets the POST, the first 2xx answer goes back, else the last answer
 * (routers/http/router.rs route_simple_request); the PD router has no cancel (501).
 */
import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest } from '../server/types';
import type { BufferedReply } from '../dispatch/exchange';
import { forwardedHeaders } from '../dispatch';
import { GatewayError } from '../errors/gateway-error';
import type { RouteContext } from './context';
import { guard } from './guard';
import { bufferedCall } from './buffered-call';

function notStored(req: IncomingRequest): never {
  const id = req.params['response_id'] ?? '';
  throw new GatewayError('not_found', `No response found with id '${id}'`);
}

const storageRoute: Handler = (req) => notStored(req);

/** SMG's allow-listed request headers, without a Content-Type (the POST has no body). */
function cancelHeaders(req: IncomingRequest): string[] {
  const all = forwardedHeaders(req.headers);
  const out: string[] = [];
  for (let i = 0; i + 1 < all.length; i += 2) {
    if (all[i] !== 'content-type') out.push(all[i] as string, all[i + 1] as string);
  }
  return out;
}

function cancel(ctx: RouteContext): Handler {
  return async (req, _raw, res) => {
    const workers = ctx.router.workers();
    if (workers.length === 0) throw new GatewayError('no_workers', 'No available workers');
    const path = `/v1/responses/${encodeURIComponent(req.params['response_id'] ?? '')}/cancel`;
    const request = { method: 'POST' as const, path, headers: cancelHeaders(req) };
    const auth = req.headers.get('authorization');
    const { timeoutMs } = ctx.dispatch;
    const answers = workers.map((w) =>
      bufferedCall(ctx.engines.forWorker(w), request, auth, timeoutMs),
    );
    const reply = await firstSuccess(answers);
    res.send(reply.status, reply.headers, reply.body);
  };
}

/**
 * The first 2xx answer to arrive; else the last answer (or transport failure) to arrive.
 * Settles as soon as a 2xx is in, without waiting for slower workers.
 */
function firstSuccess(answers: ReadonlyArray<Promise<BufferedReply>>): Promise<BufferedReply> {
  return new Promise((resolve, reject) => {
    let pending = answers.length;
    let last: { ok: BufferedReply } | { err: unknown } | undefined;
    const settle = (): void => {
      if (--pending > 0 || last === undefined) return;
      if ('ok' in last) resolve(last.ok);
      else reject(last.err instanceof Error ? last.err : new Error(String(last.err)));
    };
    for (const a of answers) {
      a.then(
        (r) => {
          if (r.status >= 200 && r.status < 300) resolve(r);
          last = { ok: r };
          settle();
        },
        (err: unknown) => {
          last = { err };
          settle();
        },
      );
    }
  });
}

const pdCancel: Handler = () => {
  throw new GatewayError('not_implemented', 'Cancel response not implemented');
};

export function responsesRoutes(ctx: RouteContext): Route[] {
  const one = '/v1/responses/:response_id';
  const stored = guard(ctx, 'protected', storageRoute);
  return [
    { method: 'GET', path: one, handler: stored },
    { method: 'DELETE', path: one, handler: stored },
    { method: 'GET', path: `${one}/input_items`, handler: stored },
    {
      method: 'POST',
      path: `${one}/cancel`,
      handler: guard(ctx, 'protected', ctx.pd ? pdCancel : cancel(ctx)),
    },
  ];
}
