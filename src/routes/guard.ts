import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { errorReply, GatewayError } from '../errors/gateway-error';
import type { AdmissionResult } from '../resilience/admission';
import { withWasm } from '../plugins/wasm/middleware';
import { withGlobalLimit } from './global-limit-guard';
import { withTenantLimit } from './tenant-limit-guard';
import { withPriority } from './priority-guard';

/** SMG's route groups (§3): public (no auth), protected (data plane), admin (control plane). */
export type RouteGroup = 'public' | 'protected' | 'admin';

/** Error-table rows of the rejections (empty 429/408; anything else an empty 500). */
const REJECT_CODE: Partial<
  Record<AdmissionResult, 'admission_queue_full' | 'admission_queue_timeout'>
> = { queue_full: 'admission_queue_full', timeout: 'admission_queue_timeout' };

/**
 * Instance-wide admission (SMG's legacy limiter): a token from the primary before the
 * handler runs, returned when the response ended. Rejections are SMG's empty 429/408.
 */
function withAdmission(ctx: RouteContext, handler: Handler): Handler {
  const waitMs = ctx.config.admission.queueTimeoutSecs * 1000 + 5000;
  // the primary keys waiters by (process, ticket): the route path makes tickets unique per process
  let nextTicket = 1;
  return async (req, body, res) => {
    const ticket = `${req.path}#${nextTicket++}`;
    const onAbort = (): void =>
      void ctx.control.call('admit-cancel', { ticket }).catch(() => undefined);
    res.onAbort(onAbort);
    const result = await ctx.control
      .call('admit', { ticket }, waitMs)
      .catch((): AdmissionResult => 'closed');
    if (result !== 'admitted') {
      if (result !== 'aborted') ctx.metrics.rateLimit('rejected');
      const r = errorReply(new GatewayError(REJECT_CODE[result] ?? 'admission_unavailable', ''));
      res.send(r.status, r.headers, r.body);
      return;
    }
    ctx.metrics.rateLimit('allowed');
    try {
      await handler(req, body, res);
    } finally {
      ctx.control.call('release', null).catch(() => undefined);
    }
  };
}

/** Wraps a handler with its group's authentication; failures answer in SMG's shapes. */
export function guard(ctx: RouteContext, group: RouteGroup, handler: Handler): Handler {
  switch (group) {
    case 'public':
      return handler;
    case 'protected': {
      // the priority scheduler (SMG §9.2) replaces the legacy limiter when it runs
      const gate = ctx.priority;
      const limited = (h: Handler): Handler =>
        ctx.globalLimit ? withGlobalLimit(ctx.globalLimit, h) : h;
      const local =
        !gate && ctx.config.admission.maxConcurrent > 0 ? withAdmission(ctx, handler) : handler;
      const admitted = limited(local);
      const rateLimit = ctx.metrics.rateLimit.bind(ctx.metrics);
      const authed: Handler = (req, body, res) => {
        const outcome = ctx.auth.dataPlane(req.headers, req);
        if (!outcome.ok) {
          res.send(outcome.reply.status, outcome.reply.headers, outcome.reply.body);
          return;
        }
        const next = gate
          ? limited(withPriority(gate, outcome.tenant, handler, rateLimit))
          : admitted;
        const tenants = ctx.tenantLimit;
        if (tenants) return withTenantLimit(tenants, outcome.tenant, next)(req, body, res);
        return next(req, body, res);
      };
      // SMG: the WASM middleware is the outermost layer of the protected routes
      return ctx.wasm ? withWasm(ctx.wasm, ctx.logger, authed) : authed;
    }
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
