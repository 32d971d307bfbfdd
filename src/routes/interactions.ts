/**
 * POST /v1/interactions (Gemini Interactions) as SMG's HTTP routers answer it: the body goes
 * through ValidatedJson<InteractionsRequest> (crates/protocols interactions.rs) — so a bad
 * body is SMG's 400 — and a valid one gets the RouterTrait default, 501 text
 * `Interactions API not implemented for this router` (regular and PD routers alike).
 */
import { Type as T, type TSchema } from '@sinclair/typebox';
import type { Route } from '../server/route-table';
import type { Handler } from '../server/types';
import { GatewayError } from '../errors/gateway-error';
import type { RouteContext } from './context';
import { guard } from './guard';
import { compileShape, parseJsonObject, type JsonObject } from './json-body';
import {
  debugF32,
  debugF64,
  debugInt,
  debugJson,
  schemaCodeFailure,
  schemaFailure,
  Violations,
} from './validator-text';

const Opt = <S extends TSchema>(s: S) => T.Optional(s);
const str = T.Union([T.String(), T.Null()]);
const shape = compileShape(
  T.Object({
    model: Opt(str),
    agent: Opt(str),
    input: T.Union([T.String(), T.Object({}), T.Array(T.Object({}))]),
    system_instruction: Opt(str),
    tools: Opt(T.Union([T.Array(T.Object({})), T.Null()])),
    response_mime_type: Opt(str),
    stream: Opt(T.Union([T.Boolean(), T.Null()])),
    store: Opt(T.Boolean()),
    background: Opt(T.Boolean()),
    generation_config: Opt(T.Union([T.Object({}), T.Null()])),
    previous_interaction_id: Opt(str),
  }),
);

const isObj = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim() === '';

/** SMG's is_content_empty: text without text, media without data and uri, calls without ids. */
function contentEmpty(c: JsonObject): boolean {
  switch (c['type']) {
    case 'text':
      return blank(c['text']);
    case 'image':
    case 'audio':
    case 'document':
    case 'video':
      return blank(c['data']) && blank(c['uri']);
    case 'code_execution_call':
    case 'url_context_call':
    case 'google_search_call':
      return blank(c['id']);
    case 'code_execution_result':
    case 'url_context_result':
    case 'google_search_result':
      return blank(c['call_id']);
    default:
      return false;
  }
}

function turnEmpty(t: JsonObject): boolean {
  const c = t['content'];
  if (typeof c === 'string') return c.trim() === '';
  if (!Array.isArray(c)) return true;
  return c.length === 0 || c.some((x) => isObj(x) && contentEmpty(x));
}

/** Which of SMG's untagged input variants the value is, and why it is empty (if it is). */
function inputEmpty(input: unknown): string | undefined {
  if (typeof input === 'string') return blank(input) ? 'Input text cannot be empty' : undefined;
  if (isObj(input)) return contentEmpty(input) ? 'Input content cannot be empty' : undefined;
  const items = (input as unknown[]).filter(isObj);
  if (items.length === 0) return 'Input content array cannot be empty';
  if (typeof items[0]?.['type'] === 'string') {
    return items.some(contentEmpty)
      ? 'Input content array contains empty content items'
      : undefined;
  }
  return items.some(turnEmpty) ? 'Input turns array contains empty turn items' : undefined;
}

const FILE_SEARCH = new Set(['file_search_call', 'file_search_result']);

function hasFileSearchContent(input: unknown): boolean {
  const isFs = (c: unknown): boolean => isObj(c) && FILE_SEARCH.has(c['type'] as string);
  if (isObj(input)) return isFs(input);
  if (!Array.isArray(input)) return false;
  return input.some(
    (x) => isFs(x) || (isObj(x) && Array.isArray(x['content']) && x['content'].some(isFs)),
  );
}

function checkGenerationConfig(v: Violations, g: JsonObject): void {
  const field = (k: string): string => `generation_config.${k}`;
  const t = g['temperature'];
  if (typeof t === 'number') {
    v.range(
      field('temperature'),
      Math.fround(t),
      {
        min: [0, debugF64(0)],
        max: [2, debugF64(2)],
      },
      debugF32,
    );
  }
  const p = g['top_p'];
  if (typeof p === 'number' && !(Math.fround(p) > 0 && Math.fround(p) <= 1)) {
    v.code(field('top_p'), 'top_p must be in (0, 1] - greater than 0.0 and at most 1.0', [
      ['value', debugF32(p)],
    ]);
  }
  const stops = g['stop_sequences'];
  if (Array.isArray(stops) && stops.length > 5) {
    v.message(field('stop_sequences'), 'Maximum 5 stop sequences allowed');
  } else if (Array.isArray(stops) && stops.some((s) => blank(s))) {
    v.message(field('stop_sequences'), 'Stop sequences cannot contain empty strings');
  }
  const max = g['max_output_tokens'];
  if (typeof max === 'number')
    v.range(field('max_output_tokens'), max, { min: [1, debugInt(1)] }, debugInt);
}

function checkFields(body: JsonObject): void {
  const v = new Violations();
  const input = body['input'];
  const empty = inputEmpty(input);
  if (empty !== undefined) v.message('input', empty);
  else if (hasFileSearchContent(input)) {
    v.code('input', 'file_search_content_not_supported', [['value', debugJson(input)]]);
  }
  const tools = body['tools'];
  if (Array.isArray(tools) && tools.some((t) => isObj(t) && t['type'] === 'file_search')) {
    v.code('tools', 'file_search_tool_not_supported', [['value', debugJson(tools)]]);
  }
  if (isObj(body['generation_config'])) checkGenerationConfig(v, body['generation_config']);
  v.throwIfAny();
}

function checkStruct(body: JsonObject): void {
  const model = !blank(body['model']);
  const agent = !blank(body['agent']);
  const background = body['background'] === true;
  if (!model && !agent) schemaCodeFailure('model_or_agent_required');
  if (model && agent) schemaFailure('Cannot set both model and agent. Provide exactly one.');
  const format = body['response_format'];
  if (format !== undefined && format !== null && blank(body['response_mime_type'])) {
    schemaCodeFailure('response_mime_type_required');
  }
  if (agent && !background) {
    schemaFailure('Agent interactions require background mode to be enabled.');
  }
  if (model && background)
    schemaFailure('Background mode is only supported for agent interactions.');
  if (background && body['stream'] === true) {
    schemaFailure('Cannot set both background and stream to true.');
  }
}

const interactions: Handler = (req, raw) => {
  const body = parseJsonObject(req, raw, 'validated');
  shape.assert(body, 'validated', raw);
  checkFields(body);
  checkStruct(body);
  throw new GatewayError('not_implemented', 'Interactions API not implemented for this router');
};

export function interactionsRoutes(ctx: RouteContext): Route[] {
  return [
    { method: 'POST', path: '/v1/interactions', handler: guard(ctx, 'protected', interactions) },
  ];
}
