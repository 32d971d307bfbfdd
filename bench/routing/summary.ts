/**
 * Routing bench results: one configuration's request samples reduced to hit ratio, TTFT and
 * latency percentiles, load spread over the engines and where the uncached tokens came from.
 */
import type { RequestSample } from './workload';

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}

export interface ConfigResult {
  readonly name: string;
  readonly config: string;
  readonly policy: string;
  readonly extraArgs: readonly string[];
  readonly instances: number;
  readonly redis: boolean;
  readonly workers: number;
  readonly requests: number;
  readonly errors: number;
  readonly skippedArrivals: number;
  readonly elapsedMs: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly cacheHitRatio: number | null;
  readonly ttftP50Ms: number | null;
  readonly ttftP99Ms: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly streamed: number;
  readonly perEngine: Readonly<Record<string, number>>;
  readonly loadMax: number;
  readonly loadMin: number;
  readonly loadCv: number | null;
  readonly sampleErrors: readonly string[];
  /**
   * Per route reason (cache_aware): requests and the prompt tokens the engines had to prefill
   * (prompt − cached), i.e. where the cache misses came from.
   */
  readonly byReason: Readonly<Record<string, { requests: number; uncachedTokens: number }>>;
}

/** What the gateway under test was: the routing configuration's definition. */
export interface ConfigDef {
  readonly policy: string;
  readonly extraArgs: readonly string[];
  /** Gateway instances; the client alternates between them. */
  readonly instances: number;
  readonly redis: boolean;
}

export function summarize(
  name: string,
  config: string,
  def: ConfigDef,
  workers: number,
  engineUrls: readonly string[],
  idToUrl: ReadonlyMap<string, string>,
  samples: readonly RequestSample[],
  skipped: number,
  elapsedMs: number,
): ConfigResult {
  const ok = samples.filter((s) => s.ok);
  const promptTokens = ok.reduce((a, s) => a + s.promptTokens, 0);
  const cachedTokens = ok.reduce((a, s) => a + s.cachedTokens, 0);
  const ttfts = ok.flatMap((s) => (s.ttftMs !== null ? [s.ttftMs] : []));
  const perEngine: Record<string, number> = {};
  for (const url of engineUrls) perEngine[url] = 0;
  for (const s of ok) {
    const key = s.worker === null ? 'unknown' : (idToUrl.get(s.worker) ?? s.worker);
    perEngine[key] = (perEngine[key] ?? 0) + 1;
  }
  // Spread over the known engines (a request whose worker header was missing is left out).
  const counts = engineUrls.map((u) => perEngine[u] ?? 0);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const sd = Math.sqrt(counts.reduce((a, c) => a + (c - mean) ** 2, 0) / counts.length);
  const errors = samples.filter((s) => !s.ok);
  const byReason: Record<string, { requests: number; uncachedTokens: number }> = {};
  for (const s of ok) {
    const r = (byReason[s.reason ?? 'none'] ??= { requests: 0, uncachedTokens: 0 });
    r.requests++;
    r.uncachedTokens += s.promptTokens - s.cachedTokens;
  }
  return {
    name,
    config,
    policy: def.policy,
    extraArgs: def.extraArgs,
    instances: def.instances,
    redis: def.redis,
    workers,
    requests: samples.length,
    errors: errors.length,
    skippedArrivals: skipped,
    elapsedMs,
    promptTokens,
    cachedTokens,
    cacheHitRatio: promptTokens > 0 ? cachedTokens / promptTokens : null,
    ttftP50Ms: percentile(ttfts, 0.5),
    ttftP99Ms: percentile(ttfts, 0.99),
    latencyP50Ms: percentile(
      ok.map((s) => s.latencyMs),
      0.5,
    ),
    latencyP99Ms: percentile(
      ok.map((s) => s.latencyMs),
      0.99,
    ),
    streamed: ttfts.length,
    perEngine,
    loadMax: Math.max(...counts),
    loadMin: Math.min(...counts),
    loadCv: mean > 0 ? sd / mean : null,
    byReason,
    sampleErrors: [...new Set(errors.map((e) => e.error ?? `HTTP ${e.status}`))].slice(0, 5),
  };
}
