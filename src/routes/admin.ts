import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { fetchWorkerLoad } from '../core/engine-loads';
import type { Worker } from '../core/worker';
import type { ResponseSink } from '../server/types';
import { adminFanOut, type FanOutResult } from './admin-fan-out';
import { startProfileBody, stopProfileUrl } from './profile-body';

const JSON_CT = [['content-type', 'application/json']] as const;

/** POST /flush_cache: fan out to every worker (45 s each); 200 all ok, 206 partial (SMG §5.7). */
function flushCache(ctx: RouteContext): Handler {
  return async (_req, _body, res) => {
    const workers = ctx.router.workers();
    ctx.prefix?.clearEverywhere(); // the engines forget their KV cache: so does the index
    const r = await adminFanOut(ctx.engines, workers, { op: 'flush_cache', timeoutMs: 45_000 });
    const base = {
      workers_flushed: r.successful.length,
      total_http_workers: workers.length,
      total_grpc_workers: 0,
      total_zmq_workers_skipped: 0,
      total_workers: workers.length,
    };
    if (r.failed.length === 0) {
      const message =
        workers.length === 0
          ? 'No workers available for cache flush'
          : `Successfully flushed cache on all ${workers.length} workers`;
      res.send(200, JSON_CT, JSON.stringify({ status: 'success', message, ...base }));
      return;
    }
    const message = `Cache flush: ${r.successful.length} succeeded, ${r.failed.length} failed`;
    res.send(206, JSON_CT, JSON.stringify({ status: 'partial_success', message, ...base, ...r }));
  };
}

/** SMG's ProfileResult: 404 `error` with no target, 206 `partial_success` on any failure. */
function sendProfileResult(
  res: ResponseSink,
  total: number,
  r: FanOutResult,
  message: string,
): void {
  const status = total === 0 ? 404 : r.failed.length === 0 ? 200 : 206;
  const body = {
    status: status === 200 ? 'success' : status === 206 ? 'partial_success' : 'error',
    message,
    workers_profiled: r.successful.length,
    total_workers: total,
    ...(r.failed.length > 0 ? r : {}),
  };
  res.send(status, JSON_CT, JSON.stringify(body));
}

/** The workers an admin op targets: all, or those whose URL is `url` exactly. */
function targets(ctx: RouteContext, url: string | undefined): readonly Worker[] {
  const all = ctx.router.workers();
  return url === undefined ? all : all.filter((w) => w.url === url);
}

const PROFILE_TIMEOUT_MS = 630_000;

/**
 * POST /start_profile and /stop_profile (SMG §5.7): fan out to every worker (or the one
 * `url` names), forwarding the profile options to /start_profile.
 */
function profile(ctx: RouteContext, start: boolean): Handler {
  const [verb, noun] = start ? ['started', 'start'] : ['stopped', 'stop'];
  return async (req, raw, res) => {
    const parsed = start ? startProfileBody(req, raw) : { url: stopProfileUrl(req, raw) };
    const workers = targets(ctx, parsed.url);
    if (workers.length === 0) {
      const message =
        parsed.url !== undefined
          ? `No worker matching url '${parsed.url}'`
          : 'No workers available for profiling';
      sendProfileResult(res, 0, { successful: [], failed: [] }, message);
      return;
    }
    const r = await adminFanOut(ctx.engines, workers, {
      op: `${noun}_profile`,
      timeoutMs: PROFILE_TIMEOUT_MS,
      ...('options' in parsed ? { body: JSON.stringify(parsed.options) } : {}),
    });
    const message =
      r.failed.length === 0
        ? `Successfully ${verb} profiling on all ${r.successful.length} workers`
        : `Profile ${noun}: ${r.successful.length} succeeded, ${r.failed.length} failed`;
    sendProfileResult(res, workers.length, r, message);
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
    { method: 'POST', path: '/start_profile', handler: guard(ctx, 'admin', profile(ctx, true)) },
    { method: 'POST', path: '/stop_profile', handler: guard(ctx, 'admin', profile(ctx, false)) },
  ];
}
