import type { Handler } from '../server/types';
import type { RouteContext } from './context';
import type { InferenceSpec } from './inference-specs';
import { modelOf, RoutedRequest } from './inference';
import { parseJsonObject } from './json-body';
import { GatewayError } from '../errors/gateway-error';
import { forwardedHeaders, relay, RequestScope, type StagePlan } from '../dispatch';
import { runPdPipeline, type PdDeps } from '../dispatch/pd/pipeline';
import type { PdRoute } from '../dispatch/pd/bootstrap';
import { selectPair } from '../dispatch/pd/pair';

/** The routes PD dispatch serves (SMG's PD router); the others answer 501 with its texts. */
const PD_ROUTES: Readonly<Record<string, PdRoute>> = {
  '/generate': 'generate',
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completions',
};

const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  '/v1/embeddings': 'Embeddings not implemented',
  '/v1/classify': 'Classify not implemented',
  '/rerank': 'Rerank not implemented',
  '/v1/rerank': 'Rerank not implemented',
  '/v1/messages': 'Messages API not yet implemented for this router',
  '/v1/responses': 'Responses endpoint not implemented',
};

/**
 * An inference route in PD mode: parsed and validated as in regular mode, then dual dispatch
 * (or vLLM's sequential legs) over a (prefill, decode) pair; other routes answer 501 after
 * validation, as SMG's PD router does.
 */
export function pdInferenceHandler(
  spec: InferenceSpec,
  ctx: RouteContext,
  pd: PdDeps,
  stages: StagePlan,
): Handler {
  const route = PD_ROUTES[spec.path];
  return (req, raw, sink) => {
    const startedMs = performance.now();
    const body = parseJsonObject(req, raw, spec.extractor);
    spec.shape.assert(body, spec.extractor, raw);
    spec.semantic?.(body);
    if (route === undefined) {
      throw new GatewayError(
        'pd_route_not_implemented',
        NOT_IMPLEMENTED[spec.path] ?? 'Not implemented',
      );
    }
    const requested = modelOf(spec, body);
    const model = ctx.router.canonicalModel(requested);
    const alias = ctx.router.isAlias(requested);
    return runPdPipeline(ctx.dispatch, pd, {
      x: {
        req,
        requested,
        model,
        endpoint: spec.endpoint,
        stream: body['stream'] === true,
        upstreamPath: spec.upstreamPath,
        body: raw,
        startedMs,
      },
      info: new RoutedRequest(req, spec, body),
      stages,
      sink,
      route,
      json: body,
      overrides: alias ? { model } : {},
    });
  };
}

const TEXT = [['content-type', 'text/plain; charset=utf-8']] as const;

/** GET /health_generate in PD mode: both engines of one selected pair (SMG §5.2). */
export function pdHealthGenerate(ctx: RouteContext, pd: PdDeps): Handler {
  return async (_req, _body, res) => {
    let pair;
    try {
      pair = selectPair(pd.routers, 'unknown', { header: () => undefined, routingText: '' }, {});
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new GatewayError('no_healthy_worker_pair', `No healthy worker pair available: ${msg}`);
    }
    const { prefill, decode } = pair;
    pair.prefill.release();
    pair.decode.release();
    const check = async (name: string, w: typeof prefill.worker): Promise<string | undefined> => {
      try {
        const r = await ctx.engines
          .forWorker(w)
          .call({ path: '/health_generate', timeoutMs: 30_000 });
        return r.status >= 200 && r.status < 300
          ? undefined
          : `${name} ${w.url} returned status ${r.status}`;
      } catch (err) {
        return `${name} ${w.url} error: ${err instanceof Error ? err.message : String(err)}`;
      }
    };
    const errors = (
      await Promise.all([check('Prefill', prefill.worker), check('Decode', decode.worker)])
    ).filter((e): e is string => e !== undefined);
    if (errors.length > 0) {
      throw new GatewayError(
        'health_generate_failed',
        `Health generate failed: ${JSON.stringify(errors)}`,
      );
    }
    res.send(
      200,
      TEXT,
      `Health generate passed on selected pair: prefill=${prefill.worker.url}, decode=${decode.worker.url}`,
    );
  };
}

/** /get_server_info, /get_model_info in PD mode: the first prefill worker (SMG §5.2). */
export function pdFirstPrefill(ctx: RouteContext, pd: PdDeps, path: string): Handler {
  return async (req, _body, res) => {
    const w = pd.routers.prefill.workers()[0];
    if (!w) throw new GatewayError('no_prefill_servers', 'No prefill servers available');
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
