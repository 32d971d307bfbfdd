import type { Handler } from '../server/types';
import type { RouteContext } from './context';

/** SMG's route groups (§3): public (no auth), protected (data plane), admin (control plane). */
export type RouteGroup = 'public' | 'protected' | 'admin';

/** Wraps a handler with its group's authentication; failures answer in SMG's shapes. */
export function guard(ctx: RouteContext, group: RouteGroup, handler: Handler): Handler {
  switch (group) {
    case 'public':
      return handler;
    case 'protected':
      return (req, body, res) => {
        const outcome = ctx.auth.dataPlane(req.headers, req.remoteAddress);
        if (!outcome.ok) {
          res.send(outcome.reply.status, outcome.reply.headers, outcome.reply.body);
          return;
        }
        return handler(req, body, res);
      };
    case 'admin':
      return async (req, body, res) => {
        const outcome = await ctx.auth.controlPlane(req.headers, req.remoteAddress, {
          method: req.method,
          path: req.path,
          requestId: req.requestId,
        });
        if (!outcome.ok) {
          res.send(outcome.reply.status, outcome.reply.headers, outcome.reply.body);
          return;
        }
        await handler(req, body, res);
      };
  }
}
