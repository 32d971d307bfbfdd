/** Non-generative routes: embeddings, rerank, classify. Outputs are deterministic per input. */
import { asObject, modelOf, optCount } from '../body-fields';
import type { EngineCore, RequestCtx } from '../core';
import { runGeneration, type GenPlan } from '../generation';
import { BadRequest, sendJson } from '../http-io';
import { promptItems, renderPrompt } from '../prompts';
import { seededRng } from '../../util/rng';

/** Default embedding width (OpenAI's `dimensions` overrides it). */
const EMBEDDING_DIMS = 16;
const LABELS = ['LABEL_0', 'LABEL_1'] as const;

function tokensOf(core: EngineCore, item: unknown, field: string): Uint32Array {
  core.tokens.reset();
  renderPrompt(item, core.tokens, field);
  return core.tokens.view();
}

/** FNV-1a over token ids: the seed of an input's deterministic outputs. */
function seedOf(tokens: Uint32Array): number {
  let h = 0x811c9dc5;
  for (const t of tokens) h = Math.imul(h ^ t, 0x01000193);
  return h >>> 0;
}

/** Pooling work goes through the scheduler like a generation with no output tokens. */
async function runPooling(ctx: RequestCtx, promptTokens: number): Promise<boolean> {
  const plan: GenPlan = { promptTokens, cachedTokens: 0, outputTokens: 0, finish: 'stop' };
  return (await runGeneration(ctx, plan)) === 'done';
}

function unitVector(seed: number, dims: number): Float32Array {
  const rng = seededRng(seed);
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const x = rng() * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dims; i++) v[i] = (v[i] as number) * scale;
  return v;
}

function encode(v: Float32Array, base64: boolean): number[] | string {
  if (base64) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return Array.from(v, (x) => Math.round(x * 1e6) / 1e6);
}

/** POST /v1/embeddings — supports `encoding_format: "base64"` (the openai SDK's default). */
export async function handleEmbeddings(ctx: RequestCtx): Promise<void> {
  const body = asObject(ctx.body);
  const items = promptItems(body.input, 'input');
  const dims = optCount(body, 'dimensions') ?? EMBEDDING_DIMS;
  if (dims < 1 || dims > 8192) throw new BadRequest("'dimensions' must be in [1, 8192]");
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = items.map((item, index) => {
    const tokens = tokensOf(ctx.core, item, `input[${index}]`);
    promptTokens += tokens.length;
    const embedding = encode(unitVector(seedOf(tokens), dims), base64);
    return { object: 'embedding', index, embedding };
  });
  if (!(await runPooling(ctx, promptTokens))) return;
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  const res = { object: 'list', data, model: modelOf(body, ctx.core), usage };
  sendJson(ctx.res, 200, JSON.stringify(res));
}

interface Ranked {
  score: number;
  document?: string;
  index: number;
  meta_info: object;
}

function stringList(v: unknown, field: string): string[] {
  const list: unknown[] = Array.isArray(v) ? v : [];
  if (Array.isArray(v) && list.every((d): d is string => typeof d === 'string')) return list;
  throw new BadRequest(`'${field}' must be an array of strings`);
}

/**
 * POST /v1/rerank — SGLang's bare array `[{score, document, index, meta_info}]`, best first.
 * Score = share of the query's distinct tokens found in the document.
 */
export async function handleRerank(ctx: RequestCtx): Promise<void> {
  const body = asObject(ctx.body);
  if (typeof body.query !== 'string') throw new BadRequest("'query' must be a string");
  const docs = stringList(body.documents, 'documents');
  const topN = optCount(body, 'top_n') ?? docs.length;
  const queryTokens = tokensOf(ctx.core, body.query, 'query');
  let promptTokens = queryTokens.length;
  const query = new Set(queryTokens);
  const scored = docs.map((document, index): Ranked => {
    const tokens = tokensOf(ctx.core, document, `documents[${index}]`);
    promptTokens += tokens.length;
    const doc = new Set(tokens);
    let hits = 0;
    for (const t of query) if (doc.has(t)) hits++;
    const score = query.size > 0 ? hits / query.size : 0;
    return body.return_documents === false
      ? { score, index, meta_info: {} }
      : { score, document, index, meta_info: {} };
  });
  if (!(await runPooling(ctx, promptTokens))) return;
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  sendJson(ctx.res, 200, JSON.stringify(scored.slice(0, topN)));
}

/** POST /v1/classify — two labels with deterministic probabilities per input. */
export async function handleClassify(ctx: RequestCtx): Promise<void> {
  const { core } = ctx;
  const body = asObject(ctx.body);
  const items = promptItems(body.input ?? body.text, 'input');
  let promptTokens = 0;
  const data = items.map((item, index) => {
    const tokens = tokensOf(core, item, `input[${index}]`);
    promptTokens += tokens.length;
    const p1 = Math.round(seededRng(seedOf(tokens))() * 1e4) / 1e4;
    const probs = [Math.round((1 - p1) * 1e4) / 1e4, p1];
    return { index, label: LABELS[p1 > 0.5 ? 1 : 0], probs, num_classes: LABELS.length };
  });
  if (!(await runPooling(ctx, promptTokens))) return;
  const res = {
    id: core.nextId('classify-'),
    object: 'list',
    created: core.nowSec(),
    model: modelOf(body, core),
    data,
    usage: { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens },
  };
  sendJson(ctx.res, 200, JSON.stringify(res));
}
