import type { Endpoint } from '../metrics';
import type { PromptKind } from '../kv-events/request-tokens';
import { Type as T, type TSchema } from '@sinclair/typebox';
import { chatSemantic } from './chat-validation';
import { messagesSemantic } from './messages-validation';
import {
  compileShape,
  invalid,
  type Extractor,
  type JsonObject,
  type ShapeCheck,
} from './json-body';

/** How one inference route parses, validates and routes its body (SMG §5.3.1). */
export interface InferenceSpec {
  readonly path: string;
  /** Metrics label (SMG's endpoint values). */
  readonly endpoint: Endpoint;
  readonly upstreamPath: string;
  readonly extractor: Extractor;
  readonly shape: ShapeCheck;
  /** Semantic checks after the shape check (400, numeric code). */
  readonly semantic?: (body: JsonObject) => void;
  /** Model used when the body has none ("unknown" = any worker). */
  readonly defaultModel?: string;
  /** The route ignores the body's model and routes to any worker (/v1/rerank). */
  readonly anyModel?: boolean;
  readonly routingText: (body: JsonObject) => string;
  /** Whose prompt the engine's exact token ids can be known for (KV-event routing). */
  readonly prompt?: PromptKind;
  readonly rerank?: boolean;
}

const Opt = <S extends TSchema>(s: S) => T.Optional(s);
const Nullable = <S extends TSchema>(s: S) => T.Union([s, T.Null()]);
const streamField = { stream: Opt(Nullable(T.Boolean())) };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts: string[] = [];
    for (const p of content) {
      if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') {
        parts.push((p as { text: string }).text);
      }
    }
    return parts.join(' ');
  }
  return '';
}

/**
 * Role-tagged message text for routing: two conversations with equal contents but different
 * roles are different prompts to the engine, and so different cache prefixes.
 */
function messagesText(body: JsonObject): string {
  const msgs = body['messages'];
  if (!Array.isArray(msgs)) return '';
  const out: string[] = [];
  if (typeof body['system'] === 'string' || Array.isArray(body['system'])) {
    out.push(`<|system|>${textOf(body['system'])}`);
  }
  for (const m of msgs) {
    if (!m || typeof m !== 'object') continue;
    const role = (m as JsonObject)['role'];
    out.push(
      `<|${typeof role === 'string' ? role : 'user'}|>${textOf((m as JsonObject)['content'])}`,
    );
  }
  return out.join('\n');
}

function promptText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(' ');
  return '';
}

function rerankSemantic(body: JsonObject): void {
  if ((body['query'] as string).trim() === '') throw invalid('query cannot be empty');
  if ((body['documents'] as unknown[]).length === 0) throw invalid('documents cannot be empty');
  const k = body['top_k'];
  if (typeof k === 'number' && k < 1) throw invalid('top_k must be at least 1');
}

const model = T.String();
const num = T.Number();
/** serde's u32: a negative or fractional number is a shape error (400 json_parse_error). */
const u32 = T.Integer({ minimum: 0, maximum: 4294967295 });
/** OpenAI tool_choice: a mode string or an object (function / allowed_tools). */
const toolChoice = T.Union([
  T.Literal('none'),
  T.Literal('auto'),
  T.Literal('required'),
  T.Object({}),
  T.Null(),
]);

export const INFERENCE_SPECS: readonly InferenceSpec[] = [
  {
    path: '/generate',
    endpoint: 'generate',
    upstreamPath: '/generate',
    extractor: 'plain',
    shape: compileShape(
      T.Object({ text: Opt(Nullable(T.String())), model: Opt(model), ...streamField }),
    ),
    defaultModel: 'unknown',
    routingText: (b) => promptText(b['text']),
    prompt: 'generate',
  },
  {
    path: '/v1/chat/completions',
    endpoint: 'chat',
    upstreamPath: '/v1/chat/completions',
    extractor: 'validated',
    shape: compileShape(
      // serde's declaration order: a body missing both names `messages` first
      T.Object({
        messages: T.Array(T.Object({ role: T.String() })),
        model,
        temperature: Opt(Nullable(num)),
        top_p: Opt(Nullable(num)),
        n: Opt(Nullable(u32)),
        max_tokens: Opt(Nullable(u32)),
        max_completion_tokens: Opt(Nullable(u32)),
        top_logprobs: Opt(Nullable(u32)),
        min_tokens: Opt(Nullable(u32)),
        top_k: Opt(Nullable(T.Integer())),
        tools: Opt(Nullable(T.Array(T.Object({})))),
        tool_choice: Opt(toolChoice),
        ...streamField,
      }),
    ),
    semantic: chatSemantic,
    routingText: messagesText,
    prompt: 'chat',
  },
  {
    path: '/v1/completions',
    endpoint: 'completions',
    upstreamPath: '/v1/completions',
    extractor: 'validated',
    shape: compileShape(
      T.Object({
        model,
        prompt: T.Union([T.String(), T.Array(T.Unknown())]),
        // SMG: range(min = 0), so 0 is valid
        max_tokens: Opt(Nullable(u32)),
        ...streamField,
      }),
    ),
    routingText: (b) => promptText(b['prompt']),
    prompt: 'completion',
  },
  {
    path: '/v1/embeddings',
    endpoint: 'embeddings',
    upstreamPath: '/v1/embeddings',
    extractor: 'plain',
    shape: compileShape(T.Object({ model, input: T.Unknown() })),
    routingText: (b) => promptText(b['input']),
  },
  {
    path: '/v1/classify',
    endpoint: 'classify',
    upstreamPath: '/v1/classify',
    extractor: 'plain',
    shape: compileShape(T.Object({ model, input: T.Unknown() })),
    routingText: (b) => promptText(b['input']),
  },
  {
    path: '/rerank',
    endpoint: 'rerank',
    upstreamPath: '/v1/rerank',
    extractor: 'validated',
    shape: compileShape(
      T.Object({
        model,
        query: T.String(),
        documents: T.Array(T.String()),
        top_k: Opt(Nullable(T.Integer())),
        return_documents: Opt(Nullable(T.Boolean())),
      }),
    ),
    semantic: rerankSemantic,
    routingText: (b) => b['query'] as string,
    rerank: true,
  },
  {
    path: '/v1/rerank',
    endpoint: 'rerank',
    upstreamPath: '/v1/rerank',
    extractor: 'plain',
    shape: compileShape(T.Object({ query: T.String(), documents: T.Array(T.String()) })),
    semantic: rerankSemantic,
    anyModel: true,
    routingText: (b) => b['query'] as string,
    rerank: true,
  },
  {
    path: '/v1/messages',
    endpoint: 'messages',
    upstreamPath: '/v1/messages',
    extractor: 'validated',
    shape: compileShape(
      T.Object({
        model,
        messages: T.Array(T.Unknown()),
        max_tokens: u32,
        tools: Opt(Nullable(T.Array(T.Object({})))),
        tool_choice: Opt(
          Nullable(
            T.Union([
              T.Object({ type: T.Union(['auto', 'any', 'none'].map((t) => T.Literal(t))) }),
              T.Object({ type: T.Literal('tool'), name: T.String() }),
            ]),
          ),
        ),
        stream: Opt(Nullable(T.Boolean())),
      }),
    ),
    semantic: messagesSemantic,
    routingText: messagesText,
  },
  {
    path: '/v1/responses',
    endpoint: 'responses',
    upstreamPath: '/v1/responses',
    extractor: 'validated',
    shape: compileShape(T.Object({ model: Opt(model), ...streamField })),
    defaultModel: 'unknown',
    routingText: (b) => promptText(b['input']),
  },
];
