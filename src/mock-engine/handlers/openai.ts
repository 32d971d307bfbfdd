import { asObject, isObject, maxTokensOf, modelOf, optBool, type Body } from '../body-fields';
import type { RequestCtx } from '../core';
import {
  outputText,
  planGeneration,
  runGeneration,
  type GenPlan,
  type TokenSink,
} from '../generation';
import { BadRequest, sendJson } from '../http-io';
import { promptItems, renderChat, renderPrompt } from '../prompts';
import { SseWriter } from '../sse';

/** OpenAI `usage` with SGLang's `prompt_tokens_details.cached_tokens`. */
export function openAiUsage(plans: readonly GenPlan[]): object {
  let prompt = 0;
  let cached = 0;
  let completion = 0;
  for (const p of plans) {
    prompt += p.promptTokens;
    cached += p.cachedTokens;
    completion += p.outputTokens;
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

function includeUsage(body: Body): boolean {
  const so = body.stream_options;
  return isObject(so) && so.include_usage === true;
}

/**
 * Streams one generation as OpenAI chunks: `head` is the chunk JSON up to the choice's
 * varying part; `tokenPart(piece)` and `finalPart(finish)` complete it.
 */
async function streamChunks(
  ctx: RequestCtx,
  plan: GenPlan,
  parts: {
    head: string;
    preamble?: string;
    tokenPart(piece: string): string;
    finalPart(finish: string): string;
    usageChunk?: string;
  },
): Promise<void> {
  const sse = new SseWriter(ctx.res);
  sse.start();
  const sink: TokenSink = {
    prefilled: () => {
      if (parts.preamble !== undefined) sse.data(parts.head + parts.preamble);
    },
    token: (_i, piece) => sse.data(parts.head + parts.tokenPart(piece)),
    drain: () => sse.drain(),
  };
  const outcome = await runGeneration(ctx, plan, sink);
  if (outcome === 'dropped') return;
  if (outcome === 'aborted') {
    sse.end();
    return;
  }
  sse.data(parts.head + parts.finalPart(plan.finish));
  if (parts.usageChunk !== undefined) sse.data(parts.usageChunk);
  sse.done();
}

/** POST /v1/chat/completions */
export async function handleChatCompletions(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const stream = optBool(body, 'stream');
  const maxTokens = maxTokensOf(body, 'max_completion_tokens', 'max_tokens');
  core.tokens.reset();
  renderChat(body.messages, core.tokens);
  const plan = planGeneration(core, core.tokens.view(), maxTokens);
  const id = core.nextId('chatcmpl-');
  const created = core.nowSec();
  const model = modelOf(body, core);
  if (!stream) {
    if ((await runGeneration(ctx, plan)) !== 'done') return;
    const message = { role: 'assistant', content: outputText(plan.outputTokens) };
    const choice = { index: 0, message, logprobs: null, finish_reason: plan.finish };
    const usage = openAiUsage([plan]);
    const res = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [choice],
      usage,
      ...ctx.pd?.answerExtra?.(),
    };
    sendJson(ctx.res, 200, JSON.stringify(res));
    return;
  }
  const envelope = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)}`;
  await streamChunks(ctx, plan, {
    head: `${envelope},"choices":[{"index":0,"delta":`,
    preamble: '{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}',
    tokenPart: (p) => `{"content":${JSON.stringify(p)}},"logprobs":null,"finish_reason":null}]}`,
    finalPart: (f) => `{},"logprobs":null,"finish_reason":"${f}"}]}`,
    ...(includeUsage(body)
      ? { usageChunk: `${envelope},"choices":[],"usage":${JSON.stringify(openAiUsage([plan]))}}` }
      : {}),
  });
}

/** POST /v1/completions (a batch of prompts is allowed without streaming). */
export async function handleCompletions(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const stream = optBool(body, 'stream');
  const maxTokens = maxTokensOf(body, 'max_tokens');
  const items = promptItems(body.prompt, 'prompt');
  if (stream && items.length > 1) {
    throw new BadRequest('the mock engine does not stream batched prompts');
  }
  const plans = items.map((item) => {
    core.tokens.reset();
    renderPrompt(item, core.tokens, 'prompt');
    return planGeneration(core, core.tokens.view(), maxTokens);
  });
  const id = core.nextId('cmpl-');
  const created = core.nowSec();
  const model = modelOf(body, core);
  if (!stream) {
    const outcomes = await Promise.all(plans.map((p) => runGeneration(ctx, p)));
    if (outcomes.some((o) => o !== 'done')) return;
    const choices = plans.map((p, index) => ({
      index,
      text: outputText(p.outputTokens),
      logprobs: null,
      finish_reason: p.finish,
    }));
    const usage = openAiUsage(plans);
    const res = {
      id,
      object: 'text_completion',
      created,
      model,
      choices,
      usage,
      ...ctx.pd?.answerExtra?.(),
    };
    sendJson(ctx.res, 200, JSON.stringify(res));
    return;
  }
  const plan = plans[0] as GenPlan;
  const envelope = `{"id":${JSON.stringify(id)},"object":"text_completion","created":${created},"model":${JSON.stringify(model)}`;
  await streamChunks(ctx, plan, {
    head: `${envelope},"choices":[{"index":0,"text":`,
    tokenPart: (p) => `${JSON.stringify(p)},"logprobs":null,"finish_reason":null}]}`,
    finalPart: (f) => `"","logprobs":null,"finish_reason":"${f}"}]}`,
    ...(includeUsage(body)
      ? { usageChunk: `${envelope},"choices":[],"usage":${JSON.stringify(openAiUsage([plan]))}}` }
      : {}),
  });
}
