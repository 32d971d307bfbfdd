import { asObject, maxTokensOf, modelOf, optBool, type Body } from '../body-fields';
import type { EngineCore, RequestCtx } from '../core';
import { outputText, planGeneration, runGeneration, type GenPlan } from '../generation';
import { sendError, sendJson } from '../http-io';
import { renderResponsesInput } from '../prompts';
import { SseWriter } from '../sse';

interface Ids {
  id: string;
  msgId: string;
  created: number;
  model: string;
}

function outputMessage(ids: Ids, text: string, done: boolean): object {
  return {
    type: 'message',
    id: ids.msgId,
    status: done ? 'completed' : 'in_progress',
    role: 'assistant',
    content: done ? [{ type: 'output_text', text, annotations: [] }] : [],
  };
}

function responseObject(body: Body, ids: Ids, plan: GenPlan, done: boolean): object {
  const text = outputText(plan.outputTokens);
  return {
    id: ids.id,
    object: 'response',
    created_at: ids.created,
    status: done ? 'completed' : 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: plan.finish === 'length' ? plan.outputTokens : null,
    model: ids.model,
    output: done ? [outputMessage(ids, text, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: plan.promptTokens,
          input_tokens_details: { cached_tokens: plan.cachedTokens },
          output_tokens: plan.outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: plan.promptTokens + plan.outputTokens,
        }
      : null,
    metadata: {},
  };
}

/** Ids kept for /cancel (oldest forgotten first). */
const KEPT_IDS = 10_000;

function rememberId(core: EngineCore, id: string): string {
  core.responseIds.add(id);
  if (core.responseIds.size > KEPT_IDS) {
    const oldest = core.responseIds.values().next().value;
    if (oldest !== undefined) core.responseIds.delete(oldest);
  }
  return id;
}

const CANCEL_PATH = /^\/v1\/responses\/([^/]+)\/cancel$/;

/** Matches POST /v1/responses/{id}/cancel. */
export function isCancelPath(path: string): boolean {
  return CANCEL_PATH.test(path);
}

/**
 * POST /v1/responses/{id}/cancel: 200 with the response marked cancelled when this engine
 * created it, else 404 (as SMG's test mock worker).
 */
export function handleCancelResponse(ctx: RequestCtx): void {
  const path = (ctx.req.url ?? '').split('?')[0] ?? '';
  const id = decodeURIComponent(CANCEL_PATH.exec(path)?.[1] ?? '');
  if (!ctx.core.responseIds.has(id)) {
    sendError(ctx.res, 'openai', 404, `No response found with id '${id}'`);
    return;
  }
  sendJson(ctx.res, 200, JSON.stringify({ id, object: 'response', status: 'cancelled' }));
}

/**
 * POST /v1/responses. Streams response.created → response.in_progress →
 * output_item.added → content_part.added → output_text.delta × N → output_text.done →
 * content_part.done → output_item.done → response.completed (no [DONE], as OpenAI).
 */
export async function handleResponses(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const stream = optBool(body, 'stream');
  core.tokens.reset();
  renderResponsesInput(body, core.tokens);
  const plan = planGeneration(core, core.tokens.view(), maxTokensOf(body, 'max_output_tokens'));
  const ids: Ids = {
    id: rememberId(core, core.nextId('resp_')),
    msgId: core.nextId('msg_'),
    created: core.nowSec(),
    model: modelOf(body, core),
  };
  if (!stream) {
    if ((await runGeneration(ctx, plan)) !== 'done') return;
    sendJson(ctx.res, 200, JSON.stringify(responseObject(body, ids, plan, true)));
    return;
  }
  const sse = new SseWriter(ctx.res);
  sse.start();
  let seq = 0;
  const emit = (type: string, fields: object): boolean =>
    sse.event(type, JSON.stringify({ type, ...fields, sequence_number: seq++ }));
  const at = { item_id: ids.msgId, output_index: 0, content_index: 0 };
  const deltaHead = `{"type":"response.output_text.delta","item_id":${JSON.stringify(ids.msgId)},"output_index":0,"content_index":0,"delta":`;
  const outcome = await runGeneration(ctx, plan, {
    prefilled: () => {
      const pending = responseObject(body, ids, plan, false);
      emit('response.created', { response: pending });
      emit('response.in_progress', { response: pending });
      emit('response.output_item.added', { output_index: 0, item: outputMessage(ids, '', false) });
      const part = { type: 'output_text', text: '', annotations: [] };
      emit('response.content_part.added', { ...at, part });
    },
    token: (_i, piece) =>
      sse.event(
        'response.output_text.delta',
        `${deltaHead}${JSON.stringify(piece)},"logprobs":[],"sequence_number":${seq++}}`,
      ),
    drain: () => sse.drain(),
  });
  if (outcome === 'dropped') return;
  if (outcome === 'aborted') return sse.end();
  const text = outputText(plan.outputTokens);
  emit('response.output_text.done', { ...at, text, logprobs: [] });
  emit('response.content_part.done', {
    ...at,
    part: { type: 'output_text', text, annotations: [] },
  });
  emit('response.output_item.done', { output_index: 0, item: outputMessage(ids, text, true) });
  emit('response.completed', { response: responseObject(body, ids, plan, true) });
  sse.end();
}
