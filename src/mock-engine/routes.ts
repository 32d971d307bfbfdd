import type { RequestCtx } from './core';
import { handleMessages } from './handlers/anthropic';
import { handleGenerate } from './handlers/generate';
import { handleChatCompletions, handleCompletions } from './handlers/openai';
import { handleClassify, handleEmbeddings, handleRerank } from './handlers/pooling';
import * as probes from './handlers/probes';
import { handleCancelResponse, handleResponses, isCancelPath } from './handlers/responses';
import { handleKvEventsAdmin } from './kv-events-admin';
import type { ErrorFamily } from './http-io';

/**
 * - inference: JSON body, counted in `inferenceRequests`, engine-wide faults apply
 * - faultable: engine-wide faults apply, no body required
 * - probe: engine-wide faults do not apply (only `x-mock-fault` and `healthy`)
 */
export type RouteKind = 'inference' | 'faultable' | 'probe';

export interface Route {
  readonly methods: readonly string[];
  readonly kind: RouteKind;
  readonly family: ErrorFamily;
  handle(ctx: RequestCtx): void | Promise<void>;
}

const GET = ['GET', 'HEAD'] as const;
const POST = ['POST'] as const;

function probe(handle: Route['handle'], family: ErrorFamily = 'sglang'): Route {
  return { methods: GET, kind: 'probe', family, handle };
}

function inference(handle: Route['handle'], family: ErrorFamily): Route {
  return { methods: POST, kind: 'inference', family, handle };
}

/** An admin POST: engine-wide faults apply, the body is optional. */
function admin(handle: Route['handle'], family: ErrorFamily = 'sglang'): Route {
  return { methods: POST, kind: 'faultable', family, handle };
}

/** Exact-path route table (the query string is ignored). */
export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/health', probe(probes.handleHealth)],
  ['/liveness', probe(probes.handleLiveness)],
  [
    '/health_generate',
    { methods: GET, kind: 'faultable', family: 'sglang', handle: probes.handleHealthGenerate },
  ],
  ['/v1/models', probe(probes.handleModels, 'openai')],
  ['/get_server_info', probe(probes.handleServerInfo)],
  ['/server_info', probe(probes.handleServerInfo)],
  ['/get_model_info', probe(probes.handleModelInfo)],
  ['/model_info', probe(probes.handleModelInfo)],
  ['/v1/loads', probe(probes.handleLoads)],
  ['/metrics', probe(probes.handleMetrics)],
  [
    '/flush_cache',
    {
      methods: ['POST', 'GET'],
      kind: 'faultable',
      family: 'sglang',
      handle: probes.handleFlushCache,
    },
  ],
  ['/start_profile', admin(probes.handleStartProfile)],
  ['/stop_profile', admin(probes.handleStopProfile)],
  [
    '/mock/kv_events',
    { methods: POST, kind: 'probe', family: 'sglang', handle: handleKvEventsAdmin },
  ],
  ['/generate', inference(handleGenerate, 'sglang')],
  ['/v1/chat/completions', inference(handleChatCompletions, 'openai')],
  ['/v1/completions', inference(handleCompletions, 'openai')],
  ['/v1/embeddings', inference(handleEmbeddings, 'openai')],
  ['/v1/rerank', inference(handleRerank, 'openai')],
  ['/v1/classify', inference(handleClassify, 'openai')],
  ['/v1/messages', inference(handleMessages, 'anthropic')],
  ['/v1/responses', inference(handleResponses, 'openai')],
]);

const CANCEL_ROUTE = admin(handleCancelResponse, 'openai');

/** The route of a path: the exact table, then POST /v1/responses/{id}/cancel. */
export function routeOf(path: string): Route | undefined {
  return ROUTES.get(path) ?? (isCancelPath(path) ? CANCEL_ROUTE : undefined);
}

/** Error envelope for paths not in the table. */
export function familyOfPath(path: string): ErrorFamily {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  return path.startsWith('/v1/') ? 'openai' : 'sglang';
}
