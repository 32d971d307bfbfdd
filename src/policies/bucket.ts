import type { Worker, WorkerSet } from '../core/worker';
import { createSetTracker } from './set-tracker';
import type { Policy, PolicyDeps } from './types';

/** SMG's bucket policy knobs (CLI: the cache_aware balance thresholds, a 5 s adjust interval). */
export interface BucketOptions {
  readonly balanceAbsThreshold: number;
  readonly balanceRelThreshold: number;
  /** Window of the per-worker load and of the length histogram; also the refit period, ms. */
  readonly adjustIntervalMs: number;
}

export const DEFAULT_BUCKET: BucketOptions = {
  balanceAbsThreshold: 64,
  balanceRelThreshold: 1.5,
  adjustIntervalMs: 5000,
};

/** Initial boundaries: [0, 4096) split evenly, the last bucket open-ended. */
const INITIAL_SPAN = 4096;

interface Entry {
  readonly at: number;
  readonly id: string;
  readonly chars: number;
}

/** First index whose boundary exceeds `v` (the bucket of a request `v` chars long). */
function bucketOf(bounds: readonly number[], v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((bounds[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Boundaries that give each of `n` buckets about the same number of characters: walk the
 * sorted lengths and cut where the running sum passes k × total / n.
 */
export function fitBoundaries(lengths: readonly number[], n: number): number[] {
  const sorted = [...lengths].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  const out: number[] = [];
  if (n <= 1 || total === 0) return out;
  let acc = 0;
  let k = 1;
  for (const v of sorted) {
    acc += v;
    while (k < n && acc >= (k * total) / n) {
      out.push(Math.max(v + 1, (out[out.length - 1] ?? 0) + 1));
      k++;
    }
  }
  while (out.length < n - 1) out.push((out[out.length - 1] ?? 0) + 1);
  return out;
}

/**
 * bucket (SMG; meant for the PD prefill pool): requests are bucketed by the character count of
 * their routing text, one bucket per available worker, so short and long prompts stop sharing
 * a prefill queue. Boundaries start as [0, 4096) split evenly and are re-fitted every adjust
 * interval from the window's request lengths, so each bucket carries about total/n characters.
 * When the window's characters per worker are imbalanced (max − min > abs and max > rel × min)
 * the worker with the fewest characters takes the request instead. O(log W) per request plus
 * the window's expiry (amortised O(1)); the refit sorts the window once per interval.
 * (SMG also skips a refit when per-bucket load changed less than 2×; collie always refits.)
 */
export function createBucketPolicy(deps: PolicyDeps, opts: BucketOptions = DEFAULT_BUCKET): Policy {
  let bounds: number[] = [];
  let window: Entry[] = [];
  let head = 0;
  const chars = new Map<string, number>();
  let nextFit = 0;
  const tracker = createSetTracker((set: WorkerSet) => {
    const n = set.available.length;
    bounds = Array.from({ length: Math.max(0, n - 1) }, (_, i) => ((i + 1) * INITIAL_SPAN) / n);
    for (const id of [...chars.keys()]) {
      if (!set.available.some((w) => w.id === id)) chars.delete(id);
    }
  });

  function expire(now: number): void {
    while (head < window.length && (window[head] as Entry).at <= now - opts.adjustIntervalMs) {
      const e = window[head++] as Entry;
      const left = (chars.get(e.id) ?? 0) - e.chars;
      if (left > 0) chars.set(e.id, left);
      else chars.delete(e.id);
    }
    if (head > 1024 && head * 2 > window.length) {
      window = window.slice(head);
      head = 0;
    }
  }

  function leastLoaded(available: readonly Worker[]): Worker | undefined {
    let min: Worker | undefined;
    let lo = Infinity;
    let hi = -Infinity;
    for (const w of available) {
      const c = chars.get(w.id) ?? 0;
      if (c < lo) [lo, min] = [c, w];
      if (c > hi) hi = c;
    }
    const imbalanced = hi - lo > opts.balanceAbsThreshold && hi > opts.balanceRelThreshold * lo;
    return imbalanced ? min : undefined;
  }

  return {
    name: 'bucket',
    select(set, req) {
      const { available } = set;
      if (available.length === 0) return undefined;
      tracker.ensure(set);
      const now = deps.clock.monotonic();
      expire(now);
      if (now >= nextFit) {
        nextFit = now + opts.adjustIntervalMs;
        const lengths = window.slice(head).map((e) => e.chars);
        if (lengths.length >= available.length) bounds = fitBoundaries(lengths, available.length);
      }
      const len = req.routingText.length;
      const idx = Math.min(bucketOf(bounds, len), available.length - 1);
      const w = leastLoaded(available) ?? available[idx];
      if (!w) return undefined;
      window.push({ at: now, id: w.id, chars: len });
      chars.set(w.id, (chars.get(w.id) ?? 0) + len);
      return w;
    },
    onWorkersChanged: (set) => tracker.rebuild(set),
  };
}
