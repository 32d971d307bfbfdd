/**
 * One reading of the instance's metrics, taken from the same aggregate /metrics serves
 * (prom-client JSON: the primary's registry merged with every ingress process's). The console
 * counts nothing itself: rates and windows are differences between two readings.
 */

type LabelValue = string | number | undefined;
interface SeriesJson {
  readonly value: number;
  readonly labels: Readonly<Record<string, LabelValue>>;
  readonly metricName?: string;
}
interface FamilyJson {
  readonly name: string;
  readonly values: readonly SeriesJson[];
}

/** Label values joined with this make a series key (never part of a label value we read). */
export const SEP = '\u0001';

/** Series key → value. */
export type Series = ReadonlyMap<string, number>;
/** Group → upper bound (`le`, +Inf as Infinity) → cumulative count. */
export type Buckets = ReadonlyMap<string, ReadonlyMap<number, number>>;

export interface Sample {
  /** Wall-clock ms of the reading. */
  readonly at: number;
  /** smg_router_requests_total by model. */
  readonly requests: Series;
  /** smg_router_request_errors_total by model. */
  readonly errors: Series;
  /** smg_worker_cb_outcomes_total by worker URL, outcome. */
  readonly outcomes: Series;
  /** smg_worker_requests_active by worker URL. */
  readonly inFlight: Series;
  /** collie_cache_aware_decisions_total by model, reason. */
  readonly decisions: Series;
  /** smg_worker_selection_total by model, policy. */
  readonly selections: Series;
  /** smg_router_tokens_total{token_type="input"} by model. */
  readonly inputTokens: Series;
  /** collie_routing_{predicted,reported,confirmed}_cached_tokens_total by model, source. */
  readonly predicted: Series;
  readonly reported: Series;
  readonly confirmed: Series;
  /** smg_router_ttft_seconds buckets by model. */
  readonly ttft: Buckets;
  /** smg_wasm_executions_total by module uuid, result. */
  readonly wasm: Series;
  /** collie_kv_events_live / collie_kv_events_blocks by worker URL. */
  readonly kvLive: Series;
  readonly kvBlocks: Series;
}

function isFamily(v: unknown): v is FamilyJson {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return typeof f['name'] === 'string' && Array.isArray(f['values']);
}

function label(s: SeriesJson, name: string): string {
  const v = s.labels[name];
  return v === undefined ? '' : String(v);
}

/** Sums a family's series by the given labels (the others are summed over). */
function sumBy(
  f: FamilyJson | undefined,
  labels: readonly string[],
  keep: (s: SeriesJson) => boolean = () => true,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of f?.values ?? []) {
    if (!keep(s) || typeof s.value !== 'number' || !Number.isFinite(s.value)) continue;
    const key = labels.map((l) => label(s, l)).join(SEP);
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** A histogram's cumulative bucket counts, summed by one label. */
function bucketsBy(f: FamilyJson | undefined, group: string): Buckets {
  const out = new Map<string, Map<number, number>>();
  const suffix = `${f?.name ?? ''}_bucket`;
  for (const s of f?.values ?? []) {
    if (s.metricName !== suffix) continue;
    const le = label(s, 'le');
    const bound = le === '+Inf' ? Infinity : Number(le);
    if (Number.isNaN(bound)) continue;
    const key = label(s, group);
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map<number, number>()));
    m.set(bound, (m.get(bound) ?? 0) + s.value);
  }
  return out;
}

/** Reads a sample out of prom-client JSON (families it does not know are ignored). */
export function readSample(json: readonly unknown[], at: number): Sample {
  const byName = new Map<string, FamilyJson>();
  for (const f of json) if (isFamily(f)) byName.set(f.name, f);
  const fam = (name: string): FamilyJson | undefined => byName.get(name);
  return {
    at,
    requests: sumBy(fam('smg_router_requests_total'), ['model']),
    errors: sumBy(fam('smg_router_request_errors_total'), ['model']),
    outcomes: sumBy(fam('smg_worker_cb_outcomes_total'), ['worker', 'outcome']),
    inFlight: sumBy(fam('smg_worker_requests_active'), ['worker']),
    decisions: sumBy(fam('collie_cache_aware_decisions_total'), ['model', 'reason']),
    selections: sumBy(fam('smg_worker_selection_total'), ['model', 'policy']),
    inputTokens: sumBy(
      fam('smg_router_tokens_total'),
      ['model'],
      (s) => label(s, 'token_type') === 'input',
    ),
    predicted: sumBy(fam('collie_routing_predicted_cached_tokens_total'), ['model', 'source']),
    reported: sumBy(fam('collie_routing_reported_cached_tokens_total'), ['model', 'source']),
    confirmed: sumBy(fam('collie_routing_confirmed_cached_tokens_total'), ['model', 'source']),
    ttft: bucketsBy(fam('smg_router_ttft_seconds'), 'model'),
    wasm: sumBy(fam('smg_wasm_executions_total'), ['module_uuid', 'result']),
    kvLive: sumBy(fam('collie_kv_events_live'), ['worker']),
    kvBlocks: sumBy(fam('collie_kv_events_blocks'), ['worker']),
  };
}

/**
 * The increase of a counter series between two readings. A series that went down was reset
 * (an ingress process was replaced, a worker re-registered): its increase is its new value,
 * as Prometheus's increase() counts it.
 */
export function increase(cur: Series, prev: Series | undefined, key: string): number {
  const now = cur.get(key) ?? 0;
  if (prev === undefined) return now;
  const then = prev.get(key) ?? 0;
  return now >= then ? now - then : now;
}

/** Σ of the series whose key passes `keep`. */
export function total(s: Series, keep: (key: string) => boolean = () => true): number {
  let n = 0;
  for (const [k, v] of s) if (keep(k)) n += v;
  return n;
}

/** Σ increase over the keys of `cur` that pass `keep`. */
export function totalIncrease(
  cur: Series,
  prev: Series | undefined,
  keep: (key: string) => boolean = () => true,
): number {
  let n = 0;
  for (const k of cur.keys()) if (keep(k)) n += increase(cur, prev, k);
  return n;
}

/** Bucket counts in (prev, cur] for the groups passing `keep`, summed, as [le, cumulative]. */
export function bucketIncrease(
  cur: Buckets,
  prev: Buckets | undefined,
  keep: (group: string) => boolean = () => true,
): Array<[number, number]> {
  const sum = new Map<number, number>();
  for (const [group, buckets] of cur) {
    if (!keep(group)) continue;
    const before = prev?.get(group);
    // a group whose +Inf count went down was reset: count it from zero
    const reset = (before?.get(Infinity) ?? 0) > (buckets.get(Infinity) ?? 0);
    for (const [le, n] of buckets) {
      const then = reset ? 0 : (before?.get(le) ?? 0);
      sum.set(le, (sum.get(le) ?? 0) + Math.max(0, n - then));
    }
  }
  return [...sum].sort((a, b) => a[0] - b[0]);
}

/**
 * The q-quantile of cumulative histogram buckets (sorted by bound), interpolated linearly
 * inside the bucket as Prometheus's histogram_quantile does; a quantile in the +Inf bucket is
 * the largest finite bound. Undefined without observations.
 */
export function quantile(
  buckets: ReadonlyArray<readonly [number, number]>,
  q: number,
): number | undefined {
  const count = buckets.at(-1)?.[1] ?? 0;
  if (count <= 0) return undefined;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const [le, cum] of buckets) {
    if (cum >= rank && cum > below) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / (cum - below);
    }
    lower = le;
    below = cum;
  }
  return lower;
}
