import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { GatewayError } from '../errors/gateway-error';
import { forwardedHeaders, relay, RequestScope } from '../dispatch';
import { mergeEngineMetrics } from './engine-metrics';
import { readinessReply } from '../control/probe-server';
import { pdFirstPrefill, pdHealthGenerate } from './pd';

const TEXT = [['content-type', 'text/plain; charset=utf-8']] as const;
const JSON_CT = [['content-type', 'application/json']] as const;

const liveness: Handler = (_req, _body, res) => res.send(200, TEXT, 'OK');

function readiness(ctx: RouteContext): Handler {
  return (_req, _body, res) => {
    const r = readinessReply(ctx.router.workers(), ctx.lifecycle.draining);
    res.send(r.status, JSON_CT, r.body);
  };
}

/** /health_generate, /get_server_info, /get_model_info: first Ready worker (SMG §5.2). */
function infoPassthrough(ctx: RouteContext, path: string): Handler {
  return async (req, _body, res) => {
    const w = ctx.router.firstReady();
    if (!w) throw new GatewayError('no_workers', 'No workers are available');
    const { deadlines, timeoutMs } = ctx.dispatch;
    const scope = RequestScope.forRequest(res, deadlines, performance.now(), timeoutMs);
    try {
      const outcome = await relay({
        client: ctx.engines.forWorker(w),
        request: { method: 'GET', path, headers: forwardedHeaders(req.headers) },
        clientAuthorization: req.headers.get('authorization'),
        sink: res,
        scope,
        stream: false,
      });
      if (outcome.kind === 'failed') throw outcome.error;
    } finally {
      scope.dispose();
    }
  };
}

function models(ctx: RouteContext): Handler {
  return (_req, _body, res) => {
    const ids = ctx.router.modelIds();
    if (ids.length === 0) throw new GatewayError('no_models', 'No models available');
    const data = ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'self_hosted' }));
    res.send(200, JSON_CT, JSON.stringify({ object: 'list', data }));
  };
}

function engineMetrics(ctx: RouteContext): Handler {
  return async (_req, _body, res) => {
    const byUrl = new Map(ctx.router.workers().map((w) => [w.url, w]));
    if (byUrl.size === 0) {
      throw new GatewayError('engine_metrics_no_workers', 'No available workers');
    }
    const scrapes = await Promise.all(
      [...byUrl].map(async ([url, w]) => {
        try {
          const r = await ctx.engines.forWorker(w).call({ path: '/metrics', timeoutMs: 5000 });
          return r.status >= 200 && r.status < 300 ? { url, text: r.text } : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const ok = scrapes.filter((s): s is { url: string; text: string } => s !== undefined);
    if (ok.length === 0) {
      throw new GatewayError('engine_metrics_failed', 'All backend requests failed');
    }
    res.send(
      200,
      [['content-type', 'text/plain; version=0.0.4; charset=utf-8']],
      mergeEngineMetrics(ok),
    );
  };
}

/** The info passthroughs; PD mode checks a pair and asks the first prefill worker. */
function infoRoutes(ctx: RouteContext): Route[] {
  const pd = ctx.pd;
  const info = (path: string): Handler =>
    pd ? pdFirstPrefill(ctx, pd, path) : infoPassthrough(ctx, path);
  return [
    {
      method: 'GET',
      path: '/health_generate',
      handler: pd ? pdHealthGenerate(ctx, pd) : infoPassthrough(ctx, '/health_generate'),
    },
    { method: 'GET', path: '/get_server_info', handler: info('/get_server_info') },
    { method: 'GET', path: '/get_model_info', handler: info('/get_model_info') },
  ];
}

export function publicRoutes(ctx: RouteContext): Route[] {
  return [
    { method: 'GET', path: '/liveness', handler: liveness },
    { method: 'GET', path: '/health', handler: liveness },
    { method: 'GET', path: '/readiness', handler: readiness(ctx) },
    ...infoRoutes(ctx),
    { method: 'GET', path: '/engine_metrics', handler: engineMetrics(ctx) },
    { method: 'GET', path: '/v1/models', handler: models(ctx) },
  ];
}
