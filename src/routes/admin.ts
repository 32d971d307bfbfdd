import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { fetchWorkerLoad } from '../core/engine-loads';

const JSON_CT = [['content-type', 'application/json']] as const;

/** POST /flush_cache: fan out to every worker (45 s each); 200 all ok, 206 partial (SMG §5.7). */
function flushCache(ctx: RouteContext): Handler {
  return async (_req, _body, res) => {
    const workers = ctx.router.workers();
    ctx.prefix?.clearEverywhere(); // the engines forget their KV cache: so does the index
    const results = await Promise.all(
      workers.map(async (w) => {
        try {
          const r = await ctx.engines
            .forWorker(w)
            .call({ method: 'POST', path: '/flush_cache', timeoutMs: 45_000 });
          if (r.status >= 200 && r.status < 300) return { url: w.url, ok: true as const };
          return {
            url: w.url,
            ok: false as const,
            error: `flush_cache failed for worker ${w.url}: HTTP ${r.status} ${r.text.slice(0, 200)}`,
          };
        } catch (err) {
          return {
            url: w.url,
            ok: false as const,
            error: `flush_cache failed for worker ${w.url}: ${(err as Error).message}`,
          };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    const base = {
      workers_flushed: results.length - failed.length,
      total_http_workers: workers.length,
      total_grpc_workers: 0,
      total_zmq_workers_skipped: 0,
      total_workers: workers.length,
    };
    if (failed.length === 0) {
      const message =
        workers.length === 0
          ? 'No workers available for cache flush'
          : `Successfully flushed cache on all ${workers.length} workers`;
      res.send(200, JSON_CT, JSON.stringify({ status: 'success', message, ...base }));
      return;
    }
    res.send(
      206,
      JSON_CT,
      JSON.stringify({
        status: 'partial_success',
        message: `Flushed cache on ${base.workers_flushed} of ${workers.length} workers`,
        ...base,
        successful: results.filter((r) => r.ok).map((r) => r.url),
        failed: failed.map((r) => ({ worker: r.url, error: r.error })),
      }),
    );
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** GET /get_loads: each worker's engine-reported load (SMG §5.7). */
function getLoads(ctx: RouteContext): Handler {
  return async (_req, _body, res) => {
    const workers = ctx.router.workers();
    const loads = await Promise.all(
      workers.map(async (w) => {
        // with a connection cap, requests queued in this process for the engine (it cannot
        // report them) are added to the details; read before this call queues too
        const waiting =
          ctx.config.engineMaxConnections > 0
            ? { waiting_for_connection: ctx.engines.waiting(w.url) }
            : undefined;
        const l = await fetchWorkerLoad(w, ctx.engines.forWorker(w), 5000);
        const details =
          waiting === undefined
            ? l.details
            : { ...(isRecord(l.details) ? l.details : {}), ...waiting };
        return {
          worker: w.url,
          load: l.load,
          ...(details !== undefined ? { details } : {}),
        };
      }),
    );
    res.send(200, JSON_CT, JSON.stringify({ workers: loads }));
  };
}

export function adminRoutes(ctx: RouteContext): Route[] {
  return [
    { method: 'POST', path: '/flush_cache', handler: guard(ctx, 'admin', flushCache(ctx)) },
    { method: 'GET', path: '/get_loads', handler: guard(ctx, 'admin', getLoads(ctx)) },
  ];
}
