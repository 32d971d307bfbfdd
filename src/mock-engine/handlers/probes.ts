/** Health, discovery and load-reporting routes (no generation). */
import { CONTEXT_LENGTH } from '../config';
import type { EngineCore, RequestCtx } from '../core';
import { sendJson, sendText } from '../http-io';
import { kvEventsInfo } from '../kv-events-admin';

const UNHEALTHY = JSON.stringify({ status: 'unhealthy', error: 'Worker is not responding' });
const HEALTHY = JSON.stringify({ status: 'healthy' });

/** GET /health */
export function handleHealth(ctx: RequestCtx): void {
  if (ctx.fault.healthy) sendJson(ctx.res, 200, HEALTHY);
  else sendJson(ctx.res, 503, UNHEALTHY);
}

/** GET /health_generate */
export function handleHealthGenerate(ctx: RequestCtx): void {
  if (!ctx.fault.healthy) return sendJson(ctx.res, 503, UNHEALTHY);
  const body = { status: 'ok', queue_length: ctx.core.scheduler.waiting };
  sendJson(ctx.res, 200, JSON.stringify(body));
}

/** GET /liveness */
export function handleLiveness(ctx: RequestCtx): void {
  sendJson(ctx.res, 200, '{"status":"ok"}');
}

/** GET /v1/models */
export function handleModels(ctx: RequestCtx): void {
  const { cfg } = ctx.core;
  const model = {
    id: cfg.model,
    object: 'model',
    created: 0,
    owned_by: cfg.runtime,
    root: cfg.model,
    max_model_len: CONTEXT_LENGTH,
  };
  sendJson(ctx.res, 200, JSON.stringify({ object: 'list', data: [model] }));
}

/** GET /get_server_info, /server_info */
export function handleServerInfo(ctx: RequestCtx): void {
  const { cfg, port } = ctx.core;
  const info = {
    model_path: cfg.model,
    served_model_name: cfg.model,
    tokenizer_path: cfg.model,
    port,
    host: cfg.host,
    tp_size: 1,
    dp_size: 1,
    context_length: CONTEXT_LENGTH,
    max_running_requests: cfg.maxRunningRequests,
    max_total_num_tokens: cfg.kvCapacityTokens,
    max_num_batched_tokens: 16384,
    page_size: cfg.blockSize,
    schedule_policy: 'lpm',
    version: '0.3.0',
    ...kvEventsInfo(ctx.core),
  };
  sendJson(ctx.res, 200, JSON.stringify(info));
}

/** GET /get_model_info, /model_info */
export function handleModelInfo(ctx: RequestCtx): void {
  const info = {
    model_path: ctx.core.cfg.model,
    tokenizer_path: 'mock-tokenizer-path',
    is_generation: true,
    preferred_sampling_params: null,
  };
  sendJson(ctx.res, 200, JSON.stringify(info));
}

interface LoadView {
  running: number;
  waiting: number;
  waitingUncached: number;
  used: number;
  capacity: number;
  tokenUsage: number;
  genThroughput: number;
  cacheHitRate: number;
  maxRunning: number;
}

/** Live load figures shared by /v1/loads and /metrics. */
export function loadView(core: EngineCore): LoadView {
  const { cfg, scheduler, counters } = core;
  const capacity = cfg.kvCapacityTokens;
  return {
    running: scheduler.running,
    waiting: scheduler.waiting,
    waitingUncached: scheduler.waitingUncachedTokens,
    used: scheduler.usedTokens,
    capacity,
    tokenUsage: capacity > 0 ? scheduler.usedTokens / capacity : 0,
    genThroughput: core.throughput.rate(cfg.clock.now()),
    cacheHitRate: counters.promptTokens > 0 ? counters.cachedTokens / counters.promptTokens : 0,
    maxRunning: cfg.maxRunningRequests,
  };
}

/** GET /v1/loads (SGLang's WorkerLoadResponse, one DP rank; `?include=` is ignored). */
export function handleLoads(ctx: RequestCtx): void {
  const v = loadView(ctx.core);
  const load = {
    dp_rank: 0,
    num_running_reqs: v.running,
    num_waiting_reqs: v.waiting,
    num_waiting_uncached_tokens: v.waitingUncached,
    num_total_reqs: v.running + v.waiting,
    num_used_tokens: v.used,
    max_total_num_tokens: v.capacity,
    token_usage: v.tokenUsage,
    gen_throughput: v.genThroughput,
    cache_hit_rate: v.cacheHitRate,
    utilization: v.running / v.maxRunning,
    max_running_requests: v.maxRunning,
  };
  const body = {
    timestamp: new Date(ctx.core.cfg.clock.now()).toISOString(),
    dp_rank_count: 1,
    loads: [load],
  };
  sendJson(ctx.res, 200, JSON.stringify(body));
}

function metric(out: string[], name: string, type: string, help: string, label: string, v: number) {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{${label}} ${v}`);
}

/** GET /metrics — Prometheus text; vLLM names are added when runtime is vllm. */
export function handleMetrics(ctx: RequestCtx): void {
  const { core } = ctx;
  const v = loadView(core);
  const c = core.counters;
  const label = `model_name=${JSON.stringify(core.cfg.model)}`;
  const out: string[] = [];
  metric(out, 'sglang:num_running_reqs', 'gauge', 'Running requests.', label, v.running);
  metric(out, 'sglang:num_queue_reqs', 'gauge', 'Queued requests.', label, v.waiting);
  metric(out, 'sglang:num_used_tokens', 'gauge', 'KV tokens in use.', label, v.used);
  metric(out, 'sglang:token_usage', 'gauge', 'KV token usage (0..1).', label, v.tokenUsage);
  metric(out, 'sglang:cache_hit_rate', 'gauge', 'Prefix cache hit rate.', label, v.cacheHitRate);
  metric(out, 'sglang:gen_throughput', 'gauge', 'Output tokens/s.', label, v.genThroughput);
  metric(out, 'sglang:num_requests_total', 'counter', 'Requests.', label, c.inferenceRequests);
  metric(out, 'sglang:prompt_tokens_total', 'counter', 'Prompt tokens.', label, c.promptTokens);
  metric(out, 'sglang:cached_tokens_total', 'counter', 'Cached tokens.', label, c.cachedTokens);
  metric(out, 'sglang:generation_tokens_total', 'counter', 'Output.', label, c.completionTokens);
  if (core.cfg.runtime === 'vllm') {
    metric(out, 'vllm:num_requests_running', 'gauge', 'Running requests.', label, v.running);
    metric(out, 'vllm:num_requests_waiting', 'gauge', 'Waiting requests.', label, v.waiting);
    metric(out, 'vllm:kv_cache_usage_perc', 'gauge', 'KV usage (0..1).', label, v.tokenUsage);
  }
  out.push('');
  sendText(ctx.res, 200, out.join('\n'), 'text/plain; version=0.0.4; charset=utf-8');
}

/** POST /start_profile (SGLang's answer; the JSON options are recorded, not acted on). */
export function handleStartProfile(ctx: RequestCtx): void {
  sendText(ctx.res, 200, 'Start profiling.\n', 'text/plain; charset=utf-8');
}

/** POST /stop_profile (SGLang's answer). */
export function handleStopProfile(ctx: RequestCtx): void {
  sendText(
    ctx.res,
    200,
    'Stop profiling. This will take some time.\n',
    'text/plain; charset=utf-8',
  );
}

/** POST /flush_cache — empties the prefix-cache simulation. */
export function handleFlushCache(ctx: RequestCtx): void {
  ctx.core.kv.flush();
  sendJson(ctx.res, 200, '{"message":"Cache flushed successfully"}');
}
