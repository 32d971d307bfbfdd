import type { Route } from '../server/route-table';
import type { Handler, IncomingRequest } from '../server/types';
import type { RequestInfo } from '../policies/types';
import type { RouteContext } from './context';
import { guard } from './guard';
import { INFERENCE_SPECS, type InferenceSpec } from './inference-specs';
import { parseJsonObject, shapeError, type JsonObject } from './json-body';
import { rebuildRerank } from './rerank';
import {
  planStages,
  runPipeline,
  startPipeline,
  type DispatchInput,
  type Stage,
  type StagePlan,
} from '../dispatch';
import { carriedIds } from '../kv-events/request-tokens';
import type { PromptTokens } from '../kv-events/prompt-tokens';
import { pdInferenceHandler } from './pd';

/** What the policy may read: headers, and the routing text computed on first use. */
export class RoutedRequest implements RequestInfo {
  private text: string | undefined;
  private prepared: { readonly model: string; readonly ids: Uint32Array | undefined } | undefined;
  constructor(
    private readonly req: IncomingRequest,
    private readonly spec: InferenceSpec,
    private readonly body: JsonObject,
    /** The prompt → the engine's token ids (template, tokenizer), when routing uses them. */
    private readonly promptTokens?: PromptTokens,
  ) {}

  header(name: string): string | undefined {
    return this.req.headers.get(name);
  }

  get routingText(): string {
    return (this.text ??= this.spec.routingText(this.body));
  }

  /**
   * Computes the prompt's exact token ids for `model` before routing (routing is
   * synchronous): a promise when a long prompt is encoded on the tokenizer pool.
   */
  prepare(model: string): Promise<void> | undefined {
    const kind = this.spec.prompt;
    if (!this.promptTokens || kind === undefined) return undefined;
    const r = this.promptTokens(kind, this.body, model);
    if (!(r instanceof Promise)) {
      this.prepared = { model, ids: r };
      return undefined;
    }
    return r.then((ids) => {
      this.prepared = { model, ids };
    });
  }

  exactTokens(model: string): Uint32Array | undefined {
    if (this.prepared?.model === model) return this.prepared.ids;
    const kind = this.spec.prompt;
    return kind === undefined ? undefined : carriedIds(kind, this.body);
  }
}

/** The top-level fields routing text and the rerank rebuild read (inference-specs.ts, rerank.ts). */
const ROUTING_FIELDS = [
  'messages',
  'system',
  'prompt',
  'text',
  'input',
  'query',
  'documents',
  'top_k',
  'return_documents',
  'rid',
  // exact prompt token ids (kv-events/request-tokens.ts, chat-tokens.ts)
  'input_ids',
  'add_special_tokens',
  'truncate_prompt_tokens',
  'tools',
  'chat_template_kwargs',
  'chat_template',
] as const;

/**
 * Only what routing and the response stages read, so the rest of the parsed body (a
 * hostile body's million extra keys, say) is garbage once the handler returns, not held
 * for the whole exchange.
 */
function routingFields(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  // the body's own keys (usually a handful) against a set, rather than a probe of the body
  // per field; a body with many keys gets the probes (bounded work whatever it holds)
  let seen = 0;
  for (const k in body) {
    if (++seen > ROUTING_FIELDS.length * 2) return probedFields(body);
    if (ROUTING_FIELD_SET.has(k)) out[k] = body[k];
  }
  return out;
}

function probedFields(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ROUTING_FIELDS) if (Object.hasOwn(body, k)) out[k] = body[k];
  return out;
}
const ROUTING_FIELD_SET: ReadonlySet<string> = new Set(ROUTING_FIELDS);

export function modelOf(spec: InferenceSpec, body: JsonObject): string {
  if (spec.anyModel) return 'unknown';
  const m = body['model'];
  if (typeof m === 'string') return m;
  if (spec.defaultModel !== undefined) return spec.defaultModel;
  throw shapeError(spec.extractor, 'missing field `model`');
}

/** /rerank: the engine's array becomes SMG's response object (a buffered-answer stage). */
function rerankStage(ctx: RouteContext, body: JsonObject): Stage {
  return {
    name: 'rerank',
    onAnswer: (_x, sel, reply) =>
      rebuildRerank(body, sel.worker.modelId, Math.floor(ctx.clock.now() / 1000))(reply),
  };
}

/**
 * One inference route: parse and validate with the route's spec (as SMG's extractor does),
 * then run the dispatch pipeline. The client's bytes are forwarded as they came, re-serialised
 * only when an alias becomes the canonical model.
 */
function inferenceHandler(spec: InferenceSpec, ctx: RouteContext, stages: StagePlan): Handler {
  return (req, raw, sink) => {
    const startedMs = performance.now();
    const body = parseJsonObject(req, raw, spec.extractor);
    spec.shape.assert(body, spec.extractor, raw);
    spec.semantic?.(body);
    const requested = modelOf(spec, body);
    const model = ctx.router.canonicalModel(requested);
    const alias = !spec.anyModel && ctx.router.isAlias(requested);
    const kept = routingFields(body);
    const info = new RoutedRequest(req, spec, kept, ctx.promptTokens);
    const input: DispatchInput = {
      x: {
        req,
        requested,
        model,
        endpoint: spec.endpoint,
        stream: body['stream'] === true,
        json: body,
        upstreamPath: spec.upstreamPath,
        body: alias ? JSON.stringify({ ...body, model }) : raw,
        startedMs,
      },
      info,
      stages: spec.rerank ? planStages([...ctx.stages, rerankStage(ctx, kept)]) : stages,
      sink,
    };
    const pending = info.prepare(ctx.router.routedModel(model));
    // a long prompt is encoded on the tokenizer pool first; otherwise no promise at all
    if (pending) return pending.then(() => runPipeline(ctx.dispatch, input));
    return startPipeline(ctx.dispatch, input);
  };
}

export function inferenceRoutes(ctx: RouteContext): Route[] {
  const stages = planStages(ctx.stages);
  return INFERENCE_SPECS.map((spec) => ({
    method: 'POST',
    path: spec.path,
    handler: guard(
      ctx,
      'protected',
      ctx.pd ? pdInferenceHandler(spec, ctx, ctx.pd, stages) : inferenceHandler(spec, ctx, stages),
    ),
  }));
}
