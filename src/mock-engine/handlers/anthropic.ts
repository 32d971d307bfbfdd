import { asObject, maxTokensOf, modelOf, optBool } from '../body-fields';
import type { RequestCtx } from '../core';
import { outputText, planGeneration, runGeneration, type GenPlan } from '../generation';
import { sendJson } from '../http-io';
import { renderAnthropic } from '../prompts';
import { SseWriter } from '../sse';

function stopReason(plan: GenPlan): string {
  return plan.finish === 'length' ? 'max_tokens' : 'end_turn';
}

/** Anthropic usage: `input_tokens` excludes cache reads, which are reported separately. */
function usage(plan: GenPlan, outputTokens: number): object {
  return {
    input_tokens: plan.promptTokens - plan.cachedTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: plan.cachedTokens,
    output_tokens: outputTokens,
  };
}

function message(id: string, model: string, plan: GenPlan, done: boolean): object {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: done ? [{ type: 'text', text: outputText(plan.outputTokens) }] : [],
    stop_reason: done ? stopReason(plan) : null,
    stop_sequence: null,
    usage: usage(plan, done ? plan.outputTokens : 0),
  };
}

/**
 * POST /v1/messages. Streams the named events message_start → content_block_start →
 * content_block_delta × N → content_block_stop → message_delta → message_stop.
 */
export async function handleMessages(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const stream = optBool(body, 'stream');
  core.tokens.reset();
  renderAnthropic(body, core.tokens);
  const plan = planGeneration(core, core.tokens.view(), maxTokensOf(body, 'max_tokens'));
  const id = core.nextId('msg_');
  const model = modelOf(body, core);
  if (!stream) {
    if ((await runGeneration(ctx, plan)) !== 'done') return;
    sendJson(ctx.res, 200, JSON.stringify(message(id, model, plan, true)));
    return;
  }
  const sse = new SseWriter(ctx.res);
  sse.start();
  const outcome = await runGeneration(ctx, plan, {
    prefilled: () => {
      const start = { type: 'message_start', message: message(id, model, plan, false) };
      sse.event('message_start', JSON.stringify(start));
      sse.event(
        'content_block_start',
        '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      );
    },
    token: (_i, piece) =>
      sse.event(
        'content_block_delta',
        `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}`,
      ),
    drain: () => sse.drain(),
  });
  if (outcome === 'dropped') return;
  if (outcome === 'aborted') return sse.end();
  sse.event('content_block_stop', '{"type":"content_block_stop","index":0}');
  const delta = {
    type: 'message_delta',
    delta: { stop_reason: stopReason(plan), stop_sequence: null },
    usage: { output_tokens: plan.outputTokens },
  };
  sse.event('message_delta', JSON.stringify(delta));
  sse.event('message_stop', '{"type":"message_stop"}');
  sse.end();
}
