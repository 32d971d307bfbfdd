import {
  bucketIncrease,
  increase,
  quantile,
  SEP,
  total,
  totalIncrease,
  type Sample,
  type Series,
} from './sample';
import { perSecond, ratio, secondsBetween, type Readings } from './fleet';
import type { HitRatio, ModelRouting, Rate, RoutingView } from './types';

const part = (key: string, i: number): string => key.split(SEP)[i] ?? '';

/** Counter totals and rates grouped by part `i` of the series key (among keys passing `keep`). */
function ratesBy(
  r: Readings,
  pick: (s: Sample) => Series,
  i: number,
  keep: (key: string) => boolean = () => true,
): Record<string, Rate> {
  const seconds = secondsBetween(r.cur, r.prev);
  const cur = pick(r.cur);
  const prev = r.prev ? pick(r.prev) : undefined;
  const out: Record<string, { total: number; inc: number }> = {};
  for (const [k, v] of cur) {
    if (!keep(k)) continue;
    const g = (out[part(k, i)] ??= { total: 0, inc: 0 });
    g.total += v;
    g.inc += increase(cur, prev, k);
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, g]) => [k, { total: g.total, per_s: perSecond(g.inc, seconds) }]),
  );
}

function rate(r: Readings, pick: (s: Sample) => Series, keep?: (key: string) => boolean): Rate {
  const prev = r.prev ? pick(r.prev) : undefined;
  return {
    total: total(pick(r.cur), keep),
    per_s: perSecond(totalIncrease(pick(r.cur), prev, keep), secondsBetween(r.cur, r.prev)),
  };
}

/** Hit ratios over the window for the (model, source) keys passing `keep`. */
function hitRatio(r: Readings, keep: (key: string) => boolean, promptTokens: number): HitRatio {
  const { cur, start } = r;
  const predicted = totalIncrease(cur.predicted, start?.predicted, keep);
  const reported = totalIncrease(cur.reported, start?.reported, keep);
  const confirmed = totalIncrease(cur.confirmed, start?.confirmed, keep);
  return {
    predicted: ratio(predicted, promptTokens),
    reported: ratio(reported, promptTokens),
    precision: ratio(confirmed, predicted),
  };
}

const ms = (seconds: number | undefined): number | null =>
  seconds === undefined ? null : Math.round(seconds * 1e6) / 1e3;

function ttft(r: Readings, keep?: (model: string) => boolean) {
  const buckets = bucketIncrease(r.cur.ttft, r.start?.ttft, keep);
  return {
    p50: ms(quantile(buckets, 0.5)),
    p99: ms(quantile(buckets, 0.99)),
    count: buckets.at(-1)?.[1] ?? 0,
  };
}

function models(s: Sample): Set<string> {
  const out = new Set<string>();
  for (const series of [s.requests, s.selections, s.decisions, s.predicted]) {
    for (const k of series.keys()) out.add(part(k, 0));
  }
  for (const m of s.ttft.keys()) out.add(m);
  return out;
}

function modelRouting(r: Readings, model: string): ModelRouting {
  const mine = (k: string): boolean => part(k, 0) === model;
  const prompt = increase(r.cur.inputTokens, r.start?.inputTokens, model);
  const sources = new Set([...r.cur.predicted.keys()].filter(mine).map((k) => part(k, 1)));
  const t = ttft(r, (m) => m === model);
  return {
    model,
    requests: rate(r, (s) => s.requests, mine),
    decisions_per_s: rate(r, (s) => s.selections, mine).per_s,
    by_reason: ratesBy(r, (s) => s.decisions, 1, mine),
    hit_ratio: hitRatio(r, mine, prompt),
    hit_ratio_by_source: Object.fromEntries(
      [...sources].map((src) => [src, hitRatio(r, (k) => mine(k) && part(k, 1) === src, prompt)]),
    ),
    ttft_p50_ms: t.p50,
    ttft_p99_ms: t.p99,
  };
}

/** Where requests went and why, how much prompt the engines served from cache, TTFT. */
export function routingView(r: Readings): RoutingView {
  const t = ttft(r);
  const prompt = totalIncrease(r.cur.inputTokens, r.start?.inputTokens);
  return {
    decisions: rate(r, (s) => s.selections),
    by_reason: ratesBy(r, (s) => s.decisions, 1),
    by_policy: ratesBy(r, (s) => s.selections, 1),
    hit_ratio: hitRatio(r, () => true, prompt),
    ttft_p50_ms: t.p50,
    ttft_p99_ms: t.p99,
    ttft_count: t.count,
    models: [...models(r.cur)].sort().map((m) => modelRouting(r, m)),
  };
}
