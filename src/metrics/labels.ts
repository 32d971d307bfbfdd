/**
 * Label values and histogram buckets of collie's Prometheus metrics. Names and label sets
 * follow SMG (smg-http-surface.md §11) so SMG dashboards and alerts work unchanged.
 */

/** collie only has SMG's HTTP regular router: these labels are constant. */
export const ROUTER_TYPE = 'http';
export const BACKEND_TYPE = 'regular';
export const CONNECTION_MODE = 'http';
/** SMG's `worker_type` for non-PD local workers. */
export const WORKER_TYPE = 'regular';

/** SMG's `endpoint` label values; anything else is recorded as `other`. */
export const ENDPOINTS = [
  'chat',
  'generate',
  'completions',
  'rerank',
  'responses',
  'embeddings',
  'classify',
  'messages',
  'realtime',
  'other',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const ROUTER_ERROR_TYPES = [
  'validation_error',
  'no_workers',
  'timeout',
  'backend_error',
  'internal_error',
] as const;
export type RouterErrorType = (typeof ROUTER_ERROR_TYPES)[number];

/** Circuit-breaker states in the order of their `smg_worker_cb_state` value (0, 1, 2). */
export const CB_STATES = ['closed', 'open', 'half_open'] as const;
export type CbState = (typeof CB_STATES)[number];

export const CB_OUTCOMES = ['success', 'failure'] as const;
export type CbOutcome = (typeof CB_OUTCOMES)[number];

export type RateLimitResult = 'allowed' | 'rejected';
export type HealthCheckResult = 'success' | 'failure';

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/**
 * SMG's `method` label: the upper-case method for the standard ones, `OTHER` for the rest
 * (bounds the label's cardinality). uWS reports methods in lower case, hence the upcase.
 */
export function methodLabel(method: string): string {
  if (KNOWN_METHODS.has(method)) return method; // the server hands methods upper-cased
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

/**
 * Buckets (seconds) shared by every histogram ending in `duration_seconds`, `ttft_seconds`
 * or `tpot_seconds`, and by `smg_worker_retry_backoff_seconds`.
 *
 * SMG's default is 29 buckets from 1 ms to 2 h (`--prometheus-duration-buckets` overrides
 * it). This list keeps SMG's older 20 buckets (1 ms … 240 s: fine resolution where proxy
 * overhead and TTFT live) and extends them with 9 more up to 7200 s, because long
 * generations and streamed responses can run for many minutes.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 45, 60, 90, 120, 180, 240,
  300, 450, 600, 900, 1200, 1800, 2700, 3600, 7200,
]);

/** Throws unless `buckets` is a non-empty, strictly increasing list of finite numbers. */
export function validateBuckets(buckets: readonly number[]): void {
  if (buckets.length === 0) throw new RangeError('durationBuckets must not be empty');
  buckets.forEach((b, i) => {
    if (!Number.isFinite(b)) throw new RangeError(`durationBuckets[${i}] is not finite: ${b}`);
    const prev = buckets[i - 1];
    if (prev !== undefined && b <= prev) {
      throw new RangeError(`durationBuckets must increase strictly (${prev} then ${b})`);
    }
  });
}
