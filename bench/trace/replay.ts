import { promptTokens, type TraceRequest } from './trace-data';

/** One request's outcome as the client saw it. */
export interface Sample {
  readonly ok: boolean;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  /** Matched prefix the gateway predicted (x-collie-prefix-match), tokens; null: none. */
  readonly predictedTokens: number | null;
  readonly source: string;
  readonly latencyMs: number;
}

export interface ReplayOptions {
  readonly model: string;
  readonly blockTokens: number;
  /** Trace ms per wall ms (20 = twenty times faster). */
  readonly compression: number;
  readonly requestTimeoutMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function send(
  url: string,
  model: string,
  prompt: number[],
  timeoutMs: number,
): Promise<Sample> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, prompt, max_tokens: 1 }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as {
      usage?: { prompt_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
    };
    const latencyMs = performance.now() - started;
    const match = res.headers.get('x-collie-prefix-match');
    return {
      ok: res.status === 200,
      promptTokens: body.usage?.prompt_tokens ?? prompt.length,
      cachedTokens: body.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      predictedTokens: match === null ? null : Number(match.split('/')[0]),
      source: res.headers.get('x-collie-route-source') ?? 'none',
      latencyMs,
    };
  } catch {
    return {
      ok: false,
      promptTokens: prompt.length,
      cachedTokens: 0,
      predictedTokens: null,
      source: 'none',
      latencyMs: performance.now() - started,
    };
  }
}

/**
 * Replays the trace at its own (compressed) arrival times against `targets` (gateway URLs,
 * round robin between instances). `onTick(i)` runs before request i is sent (scenario
 * hooks: a second traffic source, an engine restart).
 */
export async function replay(
  reqs: readonly TraceRequest[],
  targets: readonly string[],
  o: ReplayOptions,
  onTick?: (i: number) => void,
): Promise<{ samples: Sample[]; elapsedMs: number }> {
  const start = performance.now();
  const t0 = reqs[0]?.timestamp ?? 0;
  const pending: Array<Promise<Sample>> = [];
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i] as TraceRequest;
    const due = (r.timestamp - t0) / o.compression;
    const wait = due - (performance.now() - start);
    if (wait > 1) await sleep(wait);
    onTick?.(i);
    const url = targets[i % targets.length] as string;
    pending.push(send(url, o.model, promptTokens(r, o.blockTokens), o.requestTimeoutMs));
  }
  const samples = await Promise.all(pending);
  return { samples, elapsedMs: performance.now() - start };
}

/** A request sent straight to an engine (traffic that bypasses the gateway). */
export function direct(engineUrl: string, model: string, prompt: number[]): void {
  void send(engineUrl, model, prompt, 60_000);
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
}

export interface Summary {
  readonly requests: number;
  readonly errors: number;
  readonly hitRatio: number;
  readonly ttftP50Ms: number | null;
  readonly ttftP99Ms: number | null;
  /** Σ min(predicted, reported) / Σ predicted over answers with a prediction; null: none. */
  readonly precision: number | null;
  readonly eventDecisions: number;
}

export function summarize(samples: readonly Sample[]): Summary {
  const ok = samples.filter((s) => s.ok);
  const prompt = ok.reduce((a, s) => a + s.promptTokens, 0);
  const cached = ok.reduce((a, s) => a + s.cachedTokens, 0);
  let predicted = 0;
  let right = 0;
  for (const s of ok) {
    if (s.predictedTokens === null) continue;
    predicted += s.predictedTokens;
    right += Math.min(s.predictedTokens, s.cachedTokens);
  }
  const lat = ok.map((s) => s.latencyMs).sort((a, b) => a - b);
  return {
    requests: samples.length,
    errors: samples.length - ok.length,
    hitRatio: prompt === 0 ? 0 : cached / prompt,
    ttftP50Ms: quantile(lat, 0.5),
    ttftP99Ms: quantile(lat, 0.99),
    precision: predicted === 0 ? null : right / predicted,
    eventDecisions: ok.filter((s) => s.source === 'events').length,
  };
}
