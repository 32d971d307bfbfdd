import type { Counter, Histogram, LabelValues } from 'prom-client';

/*
 * Series bound once to a fixed label set, for the per-request path. prom-client hashes and
 * validates the label object on every inc/observe (its `labels()` children too); a bound
 * series finds its entry in the metric's table once and then adds to it directly. The table
 * layout is prom-client 15's (`hashMap[hash] = {value, labels}` for counters,
 * `{labels, bucketValues, sum, count}` for histograms); test/unit/metrics/bound.test.ts pins
 * it by comparing bound and plain series, and a binding that cannot find its entry falls back
 * to the plain call. An entry replaced behind our back (remove/reset/zero) is found again:
 * those methods bump the metric's generation (wrapped once per metric), and a binding looks
 * its entry up again when the generation moved — one number compared per update instead of
 * a lookup in the metric's table.
 */

interface CounterEntry {
  value: number;
}
interface HistogramEntry {
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}
interface Table<E> {
  hashMap?: Record<string, E>;
}

function sameLabels(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (String(a[k]) !== String(b[k])) return false;
  return true;
}

function findKey<E extends { labels?: Record<string, unknown> }>(
  table: Table<E>,
  labels: Readonly<Record<string, unknown>>,
): string | undefined {
  const map = table.hashMap;
  if (!map) return undefined;
  for (const [k, e] of Object.entries(map)) if (e.labels && sameLabels(e.labels, labels)) return k;
  return undefined;
}

/** How many times a metric's table may have lost or replaced entries (remove/reset/zero). */
interface Generation {
  n: number;
}
const GENERATIONS = new WeakMap<object, Generation>();

function generationOf(metric: object): Generation {
  let g = GENERATIONS.get(metric);
  if (g) return g;
  const gen: Generation = { n: 0 };
  const m = metric as Record<string, unknown>;
  for (const name of ['remove', 'reset', 'zero']) {
    const original = m[name];
    if (typeof original !== 'function') continue;
    m[name] = function (this: unknown, ...args: unknown[]): unknown {
      gen.n++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  GENERATIONS.set(metric, (g = gen));
  return g;
}

/** A counter series for one label set: `inc(v = 1)`. */
export function boundCounter<T extends string>(
  c: Counter<T>,
  labels: LabelValues<T>,
): (v?: number) => void {
  const table = c as unknown as Table<CounterEntry & { labels?: Record<string, unknown> }>;
  const gen = generationOf(c);
  let seen = -1;
  let entry: CounterEntry | undefined;
  const bind = (): void => {
    c.inc(labels, 0);
    seen = gen.n;
    const key = findKey(table, labels);
    entry = key !== undefined ? table.hashMap?.[key] : undefined;
  };
  return (v = 1) => {
    if (entry === undefined || seen !== gen.n) bind();
    if (entry) entry.value += v;
    else c.inc(labels, v);
  };
}

/** A histogram series for one label set: `observe(v)`. `buckets` are the metric's bounds. */
export function boundHistogram<T extends string>(
  h: Histogram<T>,
  labels: LabelValues<T>,
  buckets: readonly number[],
): (v: number) => void {
  const table = h as unknown as Table<HistogramEntry & { labels?: Record<string, unknown> }>;
  const gen = generationOf(h);
  let seen = -1;
  let entry: HistogramEntry | undefined;
  const bind = (): void => {
    if (findKey(table, labels) === undefined) h.zero(labels);
    seen = gen.n; // after zero(), which counts as a change
    const key = findKey(table, labels);
    entry = key !== undefined ? table.hashMap?.[key] : undefined;
  };
  // bucketValues is keyed by the bound's string form: convert once, not per observation
  const keys = buckets.map(String);
  return (v) => {
    if (entry === undefined || seen !== gen.n) bind();
    if (!entry || !Number.isFinite(v)) {
      h.observe(labels, v);
      return;
    }
    entry.sum += v;
    entry.count += 1;
    // binary search for the first bound ≥ v (prom-client scans linearly)
    let lo = 0;
    let hi = buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= (buckets[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    if (lo < buckets.length) {
      const k = keys[lo] as string;
      entry.bucketValues[k] = (entry.bucketValues[k] ?? 0) + 1;
    }
  };
}

/**
 * Memoises bound series by one label value; nest caches for several labels (no key string
 * is built per request).
 */
export class BoundCache<K, S> {
  private readonly map = new Map<K, S>();
  constructor(private readonly make: (key: K) => S) {}
  get(key: K): S {
    let s = this.map.get(key);
    if (s === undefined) this.map.set(key, (s = this.make(key)));
    return s;
  }
}
