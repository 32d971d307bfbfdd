import type { Worker } from './worker';
import type { EngineClient } from '../dispatch/engine-client';

/** One worker's engine-reported load (SMG `WorkerLoadResponse` in `details`). */
export interface WorkerLoad {
  /** Σ num_used_tokens over DP ranks, or -1 when the engine reports no KV capacity. */
  readonly load: number;
  /** Mean token_usage (KV utilisation 0..1) over ranks, when known. */
  readonly tokenUsage?: number;
  readonly details?: unknown;
}

interface RankLoad {
  num_used_tokens?: number;
  max_total_num_tokens?: number;
  token_usage?: number;
}

async function getText(
  client: EngineClient,
  path: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const r = await client.call({ path, timeoutMs });
    return r.status >= 200 && r.status < 300 ? r.text : undefined;
  } catch {
    return undefined;
  }
}

function fromLoadsJson(text: string): WorkerLoad | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const ranks = (body as { loads?: unknown }).loads;
  if (!Array.isArray(ranks)) return undefined;
  const rs = ranks as RankLoad[];
  const known = rs.some((r) => (r.max_total_num_tokens ?? 0) > 0);
  const load = known ? rs.reduce((n, r) => n + (r.num_used_tokens ?? 0), 0) : -1;
  const usages = rs.map((r) => r.token_usage).filter((u): u is number => typeof u === 'number');
  const tokenUsage = usages.length ? usages.reduce((a, b) => a + b, 0) / usages.length : undefined;
  return { load, ...(tokenUsage !== undefined ? { tokenUsage } : {}), details: body };
}

/** Reads a gauge (first sample) from Prometheus text, accepting `a:b` and `a_b` names. */
function gauge(text: string, names: readonly string[]): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const n of names) {
      if (line.startsWith(n) && (line[n.length] === '{' || line[n.length] === ' ')) {
        const v = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(v)) return v;
      }
    }
  }
  return undefined;
}

function fromMetrics(text: string): WorkerLoad {
  const usage = gauge(text, [
    'sglang:token_usage',
    'sglang_token_usage',
    'vllm:kv_cache_usage_perc',
    'vllm:gpu_cache_usage_perc',
  ]);
  return { load: -1, ...(usage !== undefined ? { tokenUsage: usage } : {}) };
}

/**
 * SMG's load fetch (§5.7): vLLM → /metrics; SGLang/other → /v1/loads?include=… then
 * /metrics. Never throws; an engine that answers nothing reports load -1.
 */
export async function fetchWorkerLoad(
  w: Pick<Worker, 'runtimeType'>,
  client: EngineClient,
  timeoutMs: number,
): Promise<WorkerLoad> {
  if (w.runtimeType !== 'vllm') {
    const text = await getText(client, '/v1/loads?include=core,disagg,queues,memory', timeoutMs);
    const parsed = text !== undefined ? fromLoadsJson(text) : undefined;
    if (parsed) return parsed;
  }
  const metrics = await getText(client, '/metrics', timeoutMs);
  return metrics !== undefined ? fromMetrics(metrics) : { load: -1 };
}
