/**
 * IPC messages between the primary's metrics collector and the ingress processes' reporters.
 * `metrics` is what prom-client's `Registry.getMetricsAsJSON()` returns; it stays `unknown`
 * here and is checked for shape before it reaches `AggregatorRegistry.aggregate`.
 */
export type MetricsMessage =
  /** primary → ingress: "send me your registry". */
  | { readonly tag: 'collie:metrics-req'; readonly id: number }
  /** ingress → primary: the answer to request `id`. */
  | { readonly tag: 'collie:metrics-res'; readonly id: number; readonly metrics: unknown[] }
  /** ingress → primary: collecting failed; the scrape fails rather than under-count. */
  | { readonly tag: 'collie:metrics-err'; readonly id: number; readonly message: string }
  /** ingress → primary: "my reporter is installed, include me in scrapes". */
  | { readonly tag: 'collie:metrics-hello' }
  /** primary → ingress: "announce yourself" (a collector created after the forks). */
  | { readonly tag: 'collie:metrics-roll-call' };

type Tag = MetricsMessage['tag'];
const TAGS: ReadonlySet<string> = new Set<Tag>([
  'collie:metrics-req',
  'collie:metrics-res',
  'collie:metrics-err',
  'collie:metrics-hello',
  'collie:metrics-roll-call',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function isMetricsMessage(v: unknown): v is MetricsMessage {
  if (!isRecord(v) || typeof v.tag !== 'string' || !TAGS.has(v.tag)) return false;
  switch (v.tag) {
    case 'collie:metrics-req':
      return typeof v.id === 'number';
    case 'collie:metrics-res':
      return typeof v.id === 'number' && Array.isArray(v.metrics) && v.metrics.every(isMetricJson);
    case 'collie:metrics-err':
      return typeof v.id === 'number' && typeof v.message === 'string';
    default:
      return true;
  }
}

/** The fields `AggregatorRegistry.aggregate` reads from one metric family. */
function isMetricJson(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v.name === 'string' &&
    typeof v.help === 'string' &&
    typeof v.type === 'string' &&
    typeof v.aggregator === 'string' &&
    Array.isArray(v.values)
  );
}
