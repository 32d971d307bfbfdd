import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest } from '../server/types';
import type { RequestInfo } from '../policies/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { INFERENCE_SPECS, type InferenceSpec } from './inference-specs';
import { parseJsonObject, shapeError, type JsonObject } from './json-body';
import { forwardedHeaders, proxyToWorker } from '../core/proxy';
import { rebuildRerank } from './rerank';
import { GatewayError } from '../errors/gateway-error';

function requestInfo(req: IncomingRequest, spec: InferenceSpec, body: JsonObject): RequestInfo {
  let text: string | undefined;
  return {
    header: (name) => req.headers.get(name),
    get routingText() {
      return (text ??= spec.routingText(body));
    },
  };
}

function isTimeout(err: unknown): boolean {
  return err instanceof GatewayError && err.code === 'call_upstream_timeout';
}

function modelOf(spec: InferenceSpec, body: JsonObject): string {
  if (spec.anyModel) return 'unknown';
  const m = body['model'];
  if (typeof m === 'string') return m;
  if (spec.defaultModel !== undefined) return spec.defaultModel;
  throw shapeError(spec.extractor, 'missing field `model`');
}

/**
 * One inference route: parse and validate only what routing needs, pick a worker, forward
 * the client's own bytes (re-serialising only when an alias must become the canonical
 * model), relay the answer, release the in-flight count exactly once.
 */
function inferenceHandler(spec: InferenceSpec, ctx: RouteContext): Handler {
  return async (req, raw, sink) => {
    const body = parseJsonObject(req, raw, spec.extractor);
    spec.shape.assert(body, spec.extractor);
    spec.semantic?.(body);
    const requested = modelOf(spec, body);
    const canonical = ctx.router.canonicalModel(requested);
    const stream = body['stream'] === true;
    const key = { model: canonical, endpoint: spec.endpoint };
    ctx.metrics.routerRequest({ ...key, streaming: stream });
    const started = performance.now();
    let worker;
    try {
      worker = ctx.router.select(requested, requestInfo(req, spec, body));
    } catch (err) {
      ctx.metrics.routerError({ ...key, errorType: 'no_workers' });
      throw err;
    }
    ctx.metrics.workerSelection({ model: canonical, policy: ctx.config.policy });
    const release = ctx.loads.acquire(worker.id);
    try {
      let forward: Buffer | string = raw;
      if (!spec.anyModel && ctx.router.isAlias(requested)) {
        forward = JSON.stringify({ ...body, model: canonical });
      }
      const nowSecs = Math.floor(ctx.clock.now() / 1000);
      await proxyToWorker({
        pools: ctx.pools,
        origin: worker.url,
        method: 'POST',
        path: spec.upstreamPath,
        headers: forwardedHeaders(req.headers, worker.apiKey),
        body: forward,
        stream,
        sink,
        onResponse: (status) => ctx.metrics.upstreamResponse(status),
        ...(stream
          ? { onFirstByte: () => ctx.metrics.ttft(key, (performance.now() - started) / 1000) }
          : {}),
        timeoutMs: ctx.config.requestTimeoutSecs * 1000,
        ...(spec.rerank ? { transform: rebuildRerank(body, worker.modelId, nowSecs) } : {}),
      });
    } catch (err) {
      ctx.metrics.routerError({ ...key, errorType: isTimeout(err) ? 'timeout' : 'backend_error' });
      throw err;
    } finally {
      release();
      ctx.metrics.routerDuration(key, (performance.now() - started) / 1000);
    }
  };
}

export function inferenceRoutes(ctx: RouteContext): Route[] {
  return INFERENCE_SPECS.map((spec) => ({
    method: 'POST',
    path: spec.path,
    handler: guard(ctx, 'protected', inferenceHandler(spec, ctx)),
  }));
}
