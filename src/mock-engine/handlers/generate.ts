import { asObject, isObject, isTokenIds, optBool, optCount, type Body } from '../body-fields';
import type { RequestCtx } from '../core';
import { outputIdAt, outputText, planGeneration, runGeneration, type GenPlan } from '../generation';
import { BadRequest, sendJson } from '../http-io';
import { promptItems, renderPrompt } from '../prompts';
import { SseWriter } from '../sse';

/** SGLang's finish_reason object. */
function finishReason(plan: GenPlan): object {
  return plan.finish === 'length'
    ? { type: 'length', length: plan.outputTokens }
    : { type: 'stop', matched: 2 };
}

function metaInfo(
  rid: string,
  plan: GenPlan,
  completion: number,
  done: boolean,
  extra?: (plan: GenPlan) => Record<string, unknown>,
): object {
  return {
    id: rid,
    finish_reason: done ? finishReason(plan) : null,
    prompt_tokens: plan.promptTokens,
    completion_tokens: completion,
    cached_tokens: plan.cachedTokens,
    ...(extra ? extra(plan) : {}),
  };
}

function maxNewTokens(body: Body): number | undefined {
  const sp = body.sampling_params;
  if (sp === undefined || sp === null) return undefined;
  if (!isObject(sp)) throw new BadRequest("'sampling_params' must be an object");
  return optCount(sp, 'max_new_tokens');
}

/** The prompt field and whether the request is a batch (`text: [..]`, `input_ids: [[..]]`). */
function promptOf(body: Body): { field: string; items: unknown[]; batch: boolean } {
  const field = body.text !== undefined && body.text !== null ? 'text' : 'input_ids';
  const v = body[field];
  if (v === undefined || v === null)
    throw new BadRequest("either 'text' or 'input_ids' is required");
  return { field, items: promptItems(v, field), batch: Array.isArray(v) && !isTokenIds(v) };
}

function result(
  rid: string,
  plan: GenPlan,
  withIds: boolean,
  extra?: (plan: GenPlan) => Record<string, unknown>,
): object {
  const out: Record<string, unknown> = { text: outputText(plan.outputTokens) };
  if (withIds) out.output_ids = Array.from({ length: plan.outputTokens }, (_, i) => outputIdAt(i));
  out.meta_info = metaInfo(rid, plan, plan.outputTokens, true, extra);
  return out;
}

/**
 * POST /generate (SGLang native). Streaming sends the cumulative text in every chunk (SGLang's
 * default), the last token chunk carrying `finish_reason`, then `data: [DONE]`.
 */
export async function handleGenerate(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const stream = optBool(body, 'stream');
  const maxTokens = maxNewTokens(body);
  const prompt = promptOf(body);
  if (stream && prompt.batch) throw new BadRequest('the mock engine does not stream batches');
  const plans = prompt.items.map((item, i) => {
    core.tokens.reset();
    renderPrompt(item, core.tokens, `${prompt.field}[${i}]`);
    return planGeneration(core, core.tokens.view(), maxTokens);
  });
  const base = typeof body.rid === 'string' ? body.rid : core.nextId('');
  const rid = (i: number): string => (prompt.batch ? `${base}-${i}` : base);
  const withIds = prompt.field === 'input_ids';
  if (!stream) {
    const outcomes = await Promise.all(plans.map((p) => runGeneration(ctx, p)));
    if (outcomes.some((o) => o !== 'done')) return;
    const results = plans.map((p, i) => result(rid(i), p, withIds, ctx.pd?.metaExtra));
    sendJson(ctx.res, 200, JSON.stringify(prompt.batch ? results : results[0]));
    return;
  }
  const plan = plans[0] as GenPlan;
  const sse = new SseWriter(ctx.res);
  sse.start();
  let text = '';
  const outcome = await runGeneration(ctx, plan, {
    token: (i, piece) => {
      text += piece;
      const last = i === plan.outputTokens - 1;
      const meta = metaInfo(base, plan, i + 1, last, ctx.pd?.metaExtra);
      return sse.data(JSON.stringify({ text, meta_info: meta }));
    },
    drain: () => sse.drain(),
  });
  if (outcome === 'dropped') return;
  if (outcome === 'aborted') return sse.end();
  if (plan.outputTokens === 0)
    sse.data(JSON.stringify({ text, meta_info: metaInfo(base, plan, 0, true) }));
  sse.done();
}
