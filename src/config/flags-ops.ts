import { ConfigError } from './errors';
import { bool, float, int, list, str } from './flag-kinds';
import { AUTH_FLAGS } from './flags-auth';
import { derive, type ConfigOf } from './schema';
import { durationBuckets, healthEndpoint } from './transforms';

const HEALTH_FLAGS = {
  intervalSecs: int('--health-check-interval-secs', {
    default: 60,
    min: 1,
    help: 'Probe interval per worker, seconds',
  }),
  timeoutSecs: int('--health-check-timeout-secs', {
    default: 5,
    min: 1,
    help: 'Probe timeout, seconds',
  }),
  endpoint: str('--health-check-endpoint', {
    default: '/health',
    help: 'Path probed on each worker (any 2xx = healthy)',
  }).to(healthEndpoint),
  successThreshold: int('--health-success-threshold', {
    default: 2,
    min: 1,
    help: 'Consecutive successes that make a worker ready',
  }),
  failureThreshold: int('--health-failure-threshold', {
    default: 3,
    min: 1,
    help: 'Consecutive failures that make a ready worker not_ready (3x: failed)',
  }),
  disabled: bool('--disable-health-check', { help: 'Never probe workers (they stay ready)' }),
  removeUnhealthy: bool('--remove-unhealthy-workers', {
    help: 'Remove workers that reach failed',
  }),
  drainSettleSecs: int('--drain-settle-secs', {
    default: 5,
    min: 0,
    help: 'A removed worker drains (no new traffic) this long before it leaves, seconds',
  }),
};

const CIRCUIT_BREAKER_FLAGS = {
  failureThreshold: int('--cb-failure-threshold', {
    default: 10,
    min: 1,
    help: "Consecutive failures that open a worker's circuit",
  }),
  successThreshold: int('--cb-success-threshold', {
    default: 3,
    min: 1,
    help: 'Consecutive half-open successes that close it',
  }),
  timeoutSecs: int('--cb-timeout-duration-secs', {
    default: 60,
    min: 1,
    help: 'Time an open circuit waits before half-open probes, seconds',
  }),
  /** Accepted and kept, never read: like SMG's, the breaker counts consecutive outcomes. */
  windowSecs: int('--cb-window-duration-secs', {
    default: 120,
    min: 1,
    help: 'Accepted for SMG compatibility; like SMG, the breaker counts consecutive outcomes only',
  }),
  halfOpenMaxProbes: int('--cb-half-open-max-probes', {
    default: 1,
    min: 1,
    help: 'collie: concurrent probe requests a half-open circuit admits per ingress process (SMG admits all traffic)',
  }),
  disabled: bool('--disable-circuit-breaker', { help: 'Never open circuits' }),
};

const RETRY_FLAGS = {
  maxRetries: int('--retry-max-retries', {
    default: 5,
    min: 1,
    help: 'Total attempts per request (SMG counts the first one)',
  }),
  initialBackoffMs: int('--retry-initial-backoff-ms', {
    default: 50,
    min: 0,
    help: 'First retry delay, ms',
  }),
  maxBackoffMs: int('--retry-max-backoff-ms', {
    default: 30000,
    min: 0,
    help: 'Retry delay cap, ms',
  }),
  multiplier: float('--retry-backoff-multiplier', {
    default: 1.5,
    min: 1,
    help: 'Delay growth per attempt',
  }),
  jitter: float('--retry-jitter-factor', {
    default: 0.2,
    min: 0,
    max: 1,
    help: 'Relative jitter of each delay',
  }),
  disabled: bool('--disable-retries', { help: 'One attempt per request' }),
};

/** --disable-retries means one attempt; the backoff cap may not be below its start. */
function retryConfig(r: ConfigOf<typeof RETRY_FLAGS>) {
  if (r.maxBackoffMs < r.initialBackoffMs) {
    throw new ConfigError('--retry-max-backoff-ms must be >= --retry-initial-backoff-ms');
  }
  return {
    maxAttempts: r.disabled ? 1 : r.maxRetries,
    initialBackoffMs: r.initialBackoffMs,
    maxBackoffMs: r.maxBackoffMs,
    multiplier: r.multiplier,
    jitter: r.jitter,
  };
}

const ADMISSION_FLAGS = {
  maxConcurrent: int('--max-concurrent-requests', {
    default: -1,
    help: 'Instance-wide admission tokens (<= 0: off); a token returns when the response ends',
  }),
  queueSize: int('--queue-size', {
    default: 100,
    min: 0,
    help: 'Requests that may wait for a token (full: 429)',
  }),
  queueTimeoutSecs: int('--queue-timeout-secs', {
    default: 60,
    min: 1,
    help: 'Longest wait for a token (then 408), seconds',
  }),
  refillPerSec: float('--rate-limit-tokens-per-second', {
    min: 0,
    help: 'Token refill rate, tokens/s (unset: equal to --max-concurrent-requests)',
  }),
};

/**
 * Operations flags of `collie launch` (SMG's names and defaults): shutdown, CORS, probes,
 * Prometheus, auth, health checks, circuit breakers, retries, admission, load monitor.
 */
export const OPS_FLAGS = {
  shutdownGracePeriodSecs: int('--shutdown-grace-period-secs', {
    default: 180,
    min: 0,
    help: 'SIGTERM/SIGINT: readiness 503 at once, keep accepting for min(grace/2, 5 s), then drain in-flight requests up to the rest, seconds',
  }),
  corsAllowedOrigins: list('--cors-allowed-origins', {
    default: [],
    help: 'Origins allowed by CORS (empty: any origin)',
  }),
  healthCheckPort: int('--health-check-port', {
    min: 0,
    max: 65535,
    help: 'Serve /liveness, /readiness, /health on this separate port too (off when unset)',
  }),
  prometheusHost: str('--prometheus-host', {
    default: '0.0.0.0',
    help: 'Address of the Prometheus /metrics listener',
  }),
  prometheusPort: int('--prometheus-port', {
    default: 29000,
    min: 0,
    max: 65535,
    help: 'Port of the Prometheus /metrics listener (0 = a free port); bind failure is fatal',
  }),
  prometheusDurationBuckets: list('--prometheus-duration-buckets', {
    default: [],
    help: 'Histogram buckets for durations, seconds (empty: 29 buckets from 0.001 to 7200)',
  }).to(durationBuckets),
  auth: AUTH_FLAGS,
  health: HEALTH_FLAGS,
  circuitBreaker: CIRCUIT_BREAKER_FLAGS,
  retry: derive(RETRY_FLAGS, retryConfig),
  admission: ADMISSION_FLAGS,
  disableDashboard: bool('--disable-dashboard', {
    help: 'Do not serve the operator console (/dashboard and /dashboard/api/*; they answer 404)',
  }),
  loadMonitorInterval: int('--load-monitor-interval', {
    default: 10,
    min: 1,
    help: 'Engine load poll interval for power_of_two/least_load, seconds',
  }),
};
