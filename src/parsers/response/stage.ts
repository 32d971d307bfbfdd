/**
 * The response-path parsing stage (`--tool-call-parser`, `--reasoning-parser`): rewrites
 * `/v1/chat/completions` answers of HTTP engines that return raw model text, buffered
 * (onAnswer) and streamed (onChunk, one SseRewriter per attempt, flushed at onStreamEnd).
 *
 * Per request it runs when the endpoint is chat and nobody opted out:
 *  - the worker label `collie.parsers: off` turns it off for that worker;
 *  - the request header `x-collie-parsers: off` turns it off for that request;
 *  - tool parsing needs `tools` in the request and `tool_choice` other than "none";
 *  - reasoning parsing is skipped when the request says `separate_reasoning: false` (SGLang's
 *    field, which SMG also reads).
 * `auto` picks each parser from the request's model with SMG's tables; passthrough does nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Stage, DispatchExchange } from '../../dispatch';
import type { Selection } from '../../core/router';
import type { Logger } from '../../util/logger';
import { reasoningParser, type ReasoningParser } from '../reasoning';
import { toolParser, type ToolParser, type ToolSpec } from '../tool';
import { createParserSelector } from '../model-selection';
import type { ChoiceParsers } from './choice-parser';
import { rewriteChatAnswer } from './chat-answer';
import { SseRewriter } from './sse-rewriter';

export interface ResponseParserSettings {
  /** A parser name, or `auto` (by model). */
  readonly tool?: string | undefined;
  readonly reasoning?: string | undefined;
}

export const OPT_OUT_LABEL = 'collie.parsers';
export const OPT_OUT_HEADER = 'x-collie-parsers';

const OFF = new Set(['off', 'none', 'false', '0', 'disabled']);
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `call_` + 24 random alphanumerics, as OpenAI's ids look. */
export function newToolCallId(): string {
  const bytes = randomBytes(24);
  let id = 'call_';
  for (const b of bytes) id += ID_ALPHABET[b % 62];
  return id;
}

function requestTools(json: Readonly<Record<string, unknown>> | undefined): ToolSpec[] | undefined {
  const tools = json?.['tools'];
  if (!Array.isArray(tools) || tools.length === 0 || json?.['tool_choice'] === 'none') {
    return undefined;
  }
  return tools.filter(
    (t): t is ToolSpec =>
      typeof t === 'object' &&
      t !== null &&
      typeof (t as { function?: { name?: unknown } }).function?.name === 'string',
  );
}

export function createResponseParserStage(
  settings: ResponseParserSettings,
  logger: Logger,
): Stage | undefined {
  if (settings.tool === undefined && settings.reasoning === undefined) return undefined;
  const selector = createParserSelector();
  const pickTool = (model: string): ToolParser | undefined => {
    const name = settings.tool === 'auto' ? selector.tool(model) : settings.tool;
    return name === undefined || name === 'passthrough' ? undefined : toolParser(name);
  };
  const pickReasoning = (model: string): ReasoningParser | undefined => {
    const name = settings.reasoning === 'auto' ? selector.reasoning(model) : settings.reasoning;
    return name === undefined || name === 'passthrough' ? undefined : reasoningParser(name);
  };

  /** The parsers of this attempt, or undefined when nothing is to be parsed. */
  function parsersFor(x: DispatchExchange, sel: Selection): ChoiceParsers | undefined {
    if (x.endpoint !== 'chat') return undefined;
    if (OFF.has(sel.worker.labels[OPT_OUT_LABEL]?.toLowerCase() ?? '')) return undefined;
    if (OFF.has(x.req.headers.get(OPT_OUT_HEADER)?.toLowerCase() ?? '')) return undefined;
    const tools = requestTools(x.json);
    const tool = tools ? pickTool(x.model) : undefined;
    const reasoning = x.json?.['separate_reasoning'] === false ? undefined : pickReasoning(x.model);
    if (tool === undefined && reasoning === undefined) return undefined;
    return {
      reasoning,
      tool: tool && tools ? { parser: tool, tools } : undefined,
      newId: newToolCallId,
    };
  }

  const streams = new WeakMap<Selection, SseRewriter | null>();
  const rewriterFor = (x: DispatchExchange, sel: Selection): SseRewriter | null => {
    let r = streams.get(sel);
    if (r === undefined) {
      const parsers = parsersFor(x, sel);
      r = parsers ? new SseRewriter(parsers) : null;
      streams.set(sel, r);
    }
    return r;
  };
  /** A parser failure stops rewriting this stream; the rest passes through as the engine sent it. */
  const failed = (x: DispatchExchange, sel: Selection, err: unknown): void => {
    streams.set(sel, null);
    logger.warn({ err, requestId: x.req.requestId }, 'response parser failed; passing through');
  };

  return {
    name: 'response-parsers',
    onAnswer(x, sel, reply) {
      const parsers = parsersFor(x, sel);
      if (!parsers) return reply;
      try {
        const body = rewriteChatAnswer(reply.body, parsers);
        if (body !== undefined) reply.body = body;
      } catch (err) {
        logger.warn({ err, requestId: x.req.requestId }, 'response parser failed; answer as sent');
      }
      return reply;
    },
    onChunk(x, sel, chunk) {
      const r = rewriterFor(x, sel);
      if (r === null) return chunk;
      try {
        return r.push(chunk);
      } catch (err) {
        failed(x, sel, err);
        return chunk;
      }
    },
    onStreamEnd(x, sel) {
      const r = streams.get(sel);
      if (!r) return undefined;
      try {
        return r.end();
      } catch (err) {
        failed(x, sel, err);
        return undefined;
      }
    },
  };
}
