export {
  createGatewayMetrics,
  type GatewayMetrics,
  type GatewayMetricsOptions,
  type RouteKey,
  type RouteSeries,
} from './gateway-metrics';
export {
  BACKEND_TYPE,
  CB_OUTCOMES,
  CB_STATES,
  CONNECTION_MODE,
  DEFAULT_DURATION_BUCKETS,
  ENDPOINTS,
  ROUTER_ERROR_TYPES,
  ROUTER_TYPE,
  WORKER_TYPE,
  type CbOutcome,
  type CbState,
  type Endpoint,
  type HealthCheckResult,
  type RateLimitResult,
  type RouterErrorType,
} from './labels';
export {
  createMetricsForProcess,
  type MetricsExposition,
  type ProcessKind,
  type ProcessMetrics,
  type ProcessMetricsOptions,
} from './process-metrics';
export {
  PrometheusBindError,
  startPrometheusServer,
  type PrometheusServer,
  type PrometheusServerOptions,
} from './prometheus-server';
export type { ClusterLike, ClusterPeer } from './cluster-collector';
export type { IpcEndpoint } from './cluster-reporter';
