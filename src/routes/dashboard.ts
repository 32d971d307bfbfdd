import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { errorReply, GatewayError } from '../errors/gateway-error';
import { SSE_HEADERS, type SnapshotHub } from '../dashboard/hub';
import { DASHBOARD_PAGE } from '../dashboard/page';

/** How long the snapshot API waits for the primary, ms. */
const SNAPSHOT_TIMEOUT_MS = 10_000;

const JSON_HEADERS = [
  ['content-type', 'application/json'],
  ['cache-control', 'no-store'],
] as const;

const page: Handler = (_req, _body, res) => {
  res.send(200, DASHBOARD_PAGE.headers, DASHBOARD_PAGE.body);
};

/**
 * `/dashboard/` → `../dashboard` (relative, so it holds behind a proxy at a sub-path): the page
 * resolves its API relative to its own URL, which must not end in a slash.
 */
const trailingSlash: Handler = (_req, _body, res) => {
  res.send(308, [['location', '../dashboard']], '');
};

function snapshot(ctx: RouteContext): Handler {
  return async (_req, _body, res) => {
    let json: string;
    try {
      json = await ctx.control.call('dashboard', null, SNAPSHOT_TIMEOUT_MS);
    } catch (err) {
      ctx.logger.debug({ err }, 'operator console: no snapshot');
      const r = errorReply(
        new GatewayError('dashboard_unavailable', 'The snapshot could not be built; retry'),
      );
      res.send(r.status, r.headers, r.body);
      return;
    }
    res.send(200, JSON_HEADERS, json);
  };
}

function events(hub: SnapshotHub): Handler {
  return (req, _body, res) => {
    if (req.method === 'HEAD') {
      res.send(200, SSE_HEADERS, '');
      return;
    }
    return hub.watch(res);
  };
}

/**
 * The operator console (collie): the page, its snapshot API and its live stream, all behind
 * the control-plane auth of SMG's admin routes. Not registered with --disable-dashboard.
 */
export function dashboardRoutes(ctx: RouteContext, hub: SnapshotHub): Route[] {
  const admin = (h: Handler): Handler => guard(ctx, 'admin', h);
  return [
    { method: 'GET', path: '/dashboard', handler: admin(page) },
    { method: 'GET', path: '/dashboard/', handler: admin(trailingSlash) },
    { method: 'GET', path: '/dashboard/api/snapshot', handler: admin(snapshot(ctx)) },
    { method: 'GET', path: '/dashboard/api/events', handler: admin(events(hub)) },
  ];
}
