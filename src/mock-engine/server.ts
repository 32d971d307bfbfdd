import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { kvEventsControl, startKvEventsPublisher } from './kv-events-publisher';
import type { AddressInfo } from 'node:net';
import { checkFault, resolveConfig } from './config';
import { createEngineCore, snapshotStats, type EngineCore, type RequestCtx } from './core';
import { decidePreflight, FAULT_HEADER, NO_FAULT, parseFaultHeader } from './faults';
import { sleep } from './generation';
import { BadRequest, errorBody, parseJson, readBody, sendError, sendJson } from './http-io';
import { familyOfPath, routeOf, type Route } from './routes';
import type { FaultConfig, MockEngine, MockEngineOptions } from './types';
import { pdOptions, startPdRole } from './pd-role';

const FAILURE_MESSAGE = 'Random failure for testing';
const NO_FAULT_UNHEALTHY: Readonly<FaultConfig> = Object.freeze({ ...NO_FAULT, healthy: false });

/** Per-engine bookkeeping of in-flight requests so close() can stop them. */
type Active = Set<AbortController>;

/** Engine-wide faults reach only inference/faultable routes; `x-mock-fault` reaches any. */
function effectiveFault(core: EngineCore, route: Route, header: string | undefined): FaultConfig {
  const base =
    route.kind === 'probe' ? (core.fault.healthy ? NO_FAULT : NO_FAULT_UNHEALTHY) : core.fault;
  return header === undefined ? base : { ...base, ...parseFaultHeader(header) };
}

/** True when no preflight fault can fire (the common case skips an await). */
function isQuiet(f: Readonly<FaultConfig>): boolean {
  return f.status === null && !f.hang && f.failRate === 0 && f.delayMs === 0;
}

function parsedBody(text: string): { value: unknown; error: string | undefined } {
  if (text.length === 0) return { value: null, error: undefined };
  const parsed = parseJson(text);
  return parsed.ok
    ? { value: parsed.value, error: undefined }
    : { value: text, error: `Invalid JSON: ${parsed.error}` };
}

/** Waits until the client goes away (hang fault). */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** Fault delay, then status/failRate/hang. Returns true when the handler should run. */
async function applyFaults(ctx: RequestCtx, family: Route['family']): Promise<boolean> {
  const { fault, signal, core } = ctx;
  if (fault.delayMs > 0 && !(await sleep(fault.delayMs, signal))) return false;
  const pre = decidePreflight(fault, core.cfg.rng);
  if (pre.kind === 'fail') {
    core.counters.failed++;
    sendError(ctx.res, family, pre.status, FAILURE_MESSAGE);
    return false;
  }
  if (pre.kind === 'hang') {
    await untilAborted(signal);
    return false;
  }
  return true;
}

function failUnexpected(res: ServerResponse, route: Route, e: unknown): void {
  if (e instanceof BadRequest) return sendError(res, route.family, e.status, e.message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = `mock engine error: ${e instanceof Error ? e.message : String(e)}`;
  sendJson(res, 500, errorBody(route.family, 500, message));
}

async function dispatch(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (!body.ok) {
    if (body.tooLarge) sendError(res, familyOfPath(path), 413, 'request body too large');
    return;
  }
  const parsed = parsedBody(body.text);
  core.recorder.add({
    method,
    path,
    url,
    headers: req.headers,
    body: parsed.value,
    remotePort: req.socket.remotePort ?? 0,
  });
  const route = routeOf(path);
  if (!route) return sendError(res, familyOfPath(path), 404, `not found: ${path}`);
  if (!route.methods.includes(method)) {
    res.setHeader('allow', route.methods.join(', '));
    return sendError(res, route.family, 405, `method ${method} not allowed on ${path}`);
  }
  if (route.kind === 'inference' && parsed.error !== undefined) {
    return sendError(res, route.family, 400, parsed.error);
  }
  if (route.kind === 'inference' && parsed.value === null) {
    return sendError(res, route.family, 400, 'request body is required');
  }
  try {
    const header = req.headers[FAULT_HEADER];
    const fault = effectiveFault(core, route, Array.isArray(header) ? header[0] : header);
    let ctx: RequestCtx = { core, req, res, body: parsed.value, signal, fault };
    if (!isQuiet(fault) && !(await applyFaults(ctx, route.family))) return;
    if (route.kind === 'inference') core.counters.inferenceRequests++;
    if (route.kind === 'inference' && core.pd) {
      const pd = await core.pd.prepare(ctx, route.family);
      if (pd === false) return;
      ctx = { ...ctx, pd, body: pd.body ?? ctx.body };
    }
    await route.handle(ctx);
  } catch (e) {
    failUnexpected(res, route, e);
  }
}

function isInferencePath(url: string): boolean {
  const q = url.indexOf('?');
  return routeOf(q < 0 ? url : url.slice(0, q))?.kind === 'inference';
}

function createHandler(core: EngineCore, active: Active) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    core.counters.requests++;
    res.setHeader('x-worker-id', core.workerId);
    const ac = new AbortController();
    active.add(ac);
    const inference = isInferencePath(req.url ?? '/');
    if (inference) core.open++;
    res.on('close', () => {
      active.delete(ac);
      if (inference) core.open--;
      if (!res.writableFinished) ac.abort();
    });
    dispatch(core, req, res, ac.signal).catch((e: unknown) => {
      // dispatch handles its own errors; this is the last line of defence.
      if (!res.headersSent) sendJson(res, 500, errorBody('sglang', 500, String(e)));
      else res.destroy();
    });
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Starts one mock engine; resolves once it is listening. Throws on bad options. */
export async function startMockEngine(opts: MockEngineOptions = {}): Promise<MockEngine> {
  const cfg = resolveConfig(opts);
  let kvFlush = (): void => undefined;
  const kvPub = cfg.kvEvents
    ? await startKvEventsPublisher(cfg.kvEvents, () => kvFlush())
    : undefined;
  const core = createEngineCore(cfg, kvPub?.observer);
  kvFlush = () => core.kv.flush();
  if (kvPub) core.kvEvents = kvPub;
  const active: Active = new Set();
  const server = createServer(createHandler(core, active));
  // Longer than common client pool idle times, so pooled connections are not cut mid-reuse.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  const port = await listen(server, cfg.port, cfg.host);
  core.port = port;
  core.workerId = cfg.workerId ?? `worker-${port}`;
  if (opts.role !== undefined) core.pd = await startPdRole(pdOptions(opts, cfg.host));
  let closing: Promise<void> | undefined;
  return {
    url: urlOf(cfg.host, port),
    port,
    workerId: core.workerId,
    model: cfg.model,
    ...(core.pd?.bootstrapPort !== undefined ? { bootstrapPort: core.pd.bootstrapPort } : {}),
    close() {
      closing ??= new Promise<void>((resolve) => {
        void core.pd?.close();
        kvPub?.close();
        server.close(() => resolve());
        for (const ac of active) ac.abort();
        core.scheduler.drain();
        server.closeAllConnections();
      });
      return closing;
    },
    setFault(f) {
      for (const [k, v] of Object.entries(checkFault(f))) {
        if (v !== undefined) Object.assign(core.fault, { [k]: v });
      }
    },
    fault: () => ({ ...core.fault }),
    get requests() {
      return core.recorder.list();
    },
    clearRequests: () => core.recorder.clear(),
    stats: () => snapshotStats(core),
    flushCache: () => core.kv.flush(),
    ...(kvPub ? { kvEvents: kvEventsControl(kvPub, core.kv) } : {}),
  };
}
