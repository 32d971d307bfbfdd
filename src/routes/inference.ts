import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest, ResponseSink } from '../server/types';
import type { RequestInfo, RoutingDecision } from '../policies/types';
import type { Worker } from '../core/worker';
import type { RouteContext } from './context';
import { guard } from './guard';
import { INFERENCE_SPECS, type InferenceSpec } from './inference-specs';
import { parseJsonObject, shapeError, type JsonObject } from './json-body';
import { forwardedHeaders, proxyToWorker, type BufferedReply } from '../core/proxy';
import { RETRYABLE_STATUSES, runWithRetries, type AttemptResult } from '../resilience';
import { rebuildRerank } from './rerank';
import { GatewayError } from '../errors/gateway-error';

interface AnnotatedRequest extends RequestInfo {
  decision: RoutingDecision | undefined;
}

function requestInfo(
  req: IncomingRequest,
  spec: InferenceSpec,
  body: JsonObject,
): AnnotatedRequest {
  let text: string | undefined;
  const info: AnnotatedRequest = {
    decision: undefined,
    header: (name) => req.headers.get(name),
    get routingText() {
      return (text ??= spec.routingText(body));
    },
    annotate(d) {
      info.decision = d;
    },
  };
  return info;
}

/** cached_tokens an engine reported in a JSON answer (OpenAI usage or SGLang meta_info). */
function reportedCachedTokens(body: Buffer): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const o = json as {
    usage?: { prompt_tokens_details?: { cached_tokens?: unknown } };
    meta_info?: { cached_tokens?: unknown };
  };
  const v = o.usage?.prompt_tokens_details?.cached_tokens ?? o.meta_info?.cached_tokens;
  return typeof v === 'number' ? v : undefined;
}

function precision(
  ctx: RouteContext,
  model: string,
  d: RoutingDecision | undefined,
  body: Buffer,
): void {
  const reported = d ? reportedCachedTokens(body) : undefined;
  if (d && reported !== undefined) {
    ctx.metrics.routingPrecision(
      model,
      d.matchedBlocks * ctx.config.cacheAware.blockSize,
      reported,
    );
  }
}

/** Routing transparency: which worker, and for cache_aware why and how much prefix matched. */
function routingHeaders(
  worker: Worker,
  info: AnnotatedRequest,
  blockSize: number,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [['x-collie-worker', worker.id]];
  const d = info.decision;
  if (d) {
    out.push(['x-collie-route-reason', d.reason]);
    out.push([
      'x-collie-prefix-match',
      `${d.matchedBlocks * blockSize}/${d.totalBlocks * blockSize}`,
    ]);
  }
  return out;
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

/** What one attempt left for the client when no further attempt follows. */
type AttemptValue =
  | { kind: 'sent' }
  | { kind: 'held'; reply: BufferedReply }
  | { kind: 'error'; error: GatewayError };

const SENT: AttemptValue = { kind: 'sent' };

/** Backoff sleep that ends early when the client goes away. */
function sleeper(sink: ResponseSink): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      sink.onAbort(() => {
        clearTimeout(t);
        resolve();
      });
    });
}

/**
 * One inference route: parse and validate only what routing needs, then up to
 * --retry-max-retries attempts (SMG §5.3.5), each re-selecting a worker and avoiding the
 * ones that already failed this request. An attempt's retryable answer is held back while
 * attempts remain; nothing is retried once a byte reached the client. The client's own
 * bytes are forwarded (re-serialised only when an alias becomes the canonical model).
 */
function inferenceHandler(spec: InferenceSpec, ctx: RouteContext): Handler {
  const { retry } = ctx.config;
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
    const info = requestInfo(req, spec, body);
    const forward: Buffer | string =
      !spec.anyModel && ctx.router.isAlias(requested)
        ? JSON.stringify({ ...body, model: canonical })
        : raw;
    // the last attempt relays its answer directly; a retryable one still means "exhausted"
    let lastFailed = false;

    const attempt = async (
      k: number,
      excluded: ReadonlySet<string>,
    ): Promise<AttemptResult<AttemptValue>> => {
      let selection;
      try {
        selection = ctx.router.select(requested, info, {
          exclude: excluded,
          admit: ctx.admitProbe,
        });
      } catch (err) {
        if (err instanceof GatewayError && err.code === 'no_available_workers') {
          return { kind: 'retry', value: { kind: 'error', error: err } }; // SMG retries its own 503
        }
        throw err;
      }
      const { worker } = selection;
      if (info.decision) ctx.metrics.routeDecision(canonical, info.decision.reason);
      ctx.metrics.workerSelection({ model: canonical, policy: ctx.config.policy });
      const d = info.decision;
      const release = ctx.loads.acquire(worker.id, d ? d.totalBlocks - d.matchedBlocks : 0);
      const last = k + 1 >= retry.maxAttempts;
      try {
        const held = await proxyToWorker({
          pools: ctx.pools,
          origin: worker.url,
          method: 'POST',
          path: spec.upstreamPath,
          headers: forwardedHeaders(req.headers, worker.apiKey),
          body: forward,
          extraHeaders: () => routingHeaders(worker, info, ctx.config.cacheAware.blockSize),
          ...(info.decision
            ? { onBody: (b: Buffer) => precision(ctx, canonical, info.decision, b) }
            : {}),
          stream,
          sink,
          timeoutMs: ctx.config.requestTimeoutSecs * 1000,
          onResponse: (status) => {
            ctx.metrics.upstreamResponse(status);
            const ok = !RETRYABLE_STATUSES.has(status);
            ctx.outcomes.record(worker.id, ok);
            if (last) lastFailed = !ok;
          },
          ...(last ? {} : { holdStatuses: RETRYABLE_STATUSES }),
          onFirstByte: () => {
            release.prefilled(); // the engine has prefilled this prompt: no longer queued work
            if (stream) ctx.metrics.ttft(key, (performance.now() - started) / 1000);
          },
          ...(spec.rerank
            ? { transform: rebuildRerank(body, worker.modelId, Math.floor(ctx.clock.now() / 1000)) }
            : {}),
        });
        if (!held) return { kind: 'done', value: SENT };
        return { kind: 'retry', workerId: worker.id, value: { kind: 'held', reply: held } };
      } catch (err) {
        if (!(err instanceof GatewayError) || sink.headersSent || sink.aborted) throw err;
        if (err.status >= 500) ctx.outcomes.record(worker.id, false); // transport failure
        if (!RETRYABLE_STATUSES.has(err.status)) throw err;
        return { kind: 'retry', workerId: worker.id, value: { kind: 'error', error: err } };
      } finally {
        release();
        selection.release();
      }
    };

    try {
      const result = await runWithRetries<AttemptValue>({
        maxAttempts: retry.maxAttempts,
        backoff: {
          initialBackoffMs: retry.initialBackoffMs,
          maxBackoffMs: retry.maxBackoffMs,
          multiplier: retry.multiplier,
          jitter: retry.jitter,
        },
        rng: ctx.rng,
        sleep: sleeper(sink),
        attempt: async (k, excluded) => {
          if (k > 0) ctx.metrics.retry(spec.endpoint);
          return attempt(k, excluded);
        },
        onBackoff: (ms, next) => ctx.metrics.retryBackoff(next, ms / 1000),
      });
      if ((result.exhausted || lastFailed) && retry.maxAttempts > 1) {
        ctx.metrics.retriesExhausted(spec.endpoint);
      }
      const v = result.value;
      if (v.kind === 'held') sink.send(v.reply.status, v.reply.headers, v.reply.body);
      else if (v.kind === 'error') throw v.error;
    } catch (err) {
      const noWorkers =
        err instanceof GatewayError &&
        (err.code === 'no_available_workers' || err.code === 'model_not_found');
      ctx.metrics.routerError({
        ...key,
        errorType: noWorkers ? 'no_workers' : isTimeout(err) ? 'timeout' : 'backend_error',
      });
      throw err;
    } finally {
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
