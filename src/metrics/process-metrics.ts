import nodeCluster from 'node:cluster';
import { AggregatorRegistry, Registry, collectDefaultMetrics } from 'prom-client';
import { createClusterCollector, type ClusterLike } from './cluster-collector';
import { processEndpoint, startMetricsReporter, type IpcEndpoint } from './cluster-reporter';
import {
  createGatewayMetrics,
  type GatewayMetrics,
  type GatewayMetricsOptions,
} from './gateway-metrics';

/**
 * Which process of a collie instance this is:
 * - `single`: the only process; serves its own registry.
 * - `ingress`: a node:cluster worker; records into its own registry and reports it to the
 *   primary over IPC. It does not serve /metrics.
 * - `primary`: records control-plane metrics (health checks, circuit breaker, pool size)
 *   into its own registry and serves the aggregate of itself and every ingress process.
 */
export type ProcessKind = 'single' | 'ingress' | 'primary';

export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

export interface ProcessMetricsOptions extends GatewayMetricsOptions {
  /** primary: how long one scrape waits for the ingress processes, in ms. Default 5000. */
  readonly scrapeTimeoutMs?: number;
  /** primary: the cluster to collect from. Default: node:cluster (a seam for tests). */
  readonly cluster?: ClusterLike;
  /** ingress: the IPC channel to the primary. Default: `process` (a seam for tests). */
  readonly channel?: IpcEndpoint;
}

export interface ProcessMetrics {
  readonly kind: ProcessKind;
  /** Records into this process's own registry. */
  readonly metrics: GatewayMetrics;
  /** The exposition this process would serve (for `ingress`: its own registry only). */
  collect(): Promise<MetricsExposition>;
  /**
   * The same series as `collect()`, as prom-client JSON (the operator console reads these;
   * the primary merges its ingress processes exactly as for /metrics).
   */
  collectJson(): Promise<readonly MetricFamilyJson[]>;
  /** Detaches the IPC listeners (primary, ingress). Recording keeps working. */
  close(): void;
}

const DEFAULT_SCRAPE_TIMEOUT_MS = 5000;

/** One metric family as prom-client's `getMetricsAsJSON()` returns it. */
export type MetricFamilyJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/**
 * Merges registries reported as prom-client JSON (the primary's own first), applying each
 * family's `aggregator` (families.ts): what /metrics serves in cluster mode.
 */
export function mergeRegistries(registries: readonly unknown[][]): Registry {
  return AggregatorRegistry.aggregate([...registries]);
}

/**
 * The event-loop delay histogram of prom-client samples every 10 ms: a timer that wakes the
 * process 100 times a second. Its series report the sampling interval plus the delay (an idle
 * loop reads ~10 ms), so the interval stays prom-client's where requests are served. The
 * primary of a cluster serves none: there those wakeups measured 5–18 ms of CPU a second on a
 * shared VM, most of what the primary of a busy cluster spent per request. It samples once a
 * second and does not export the histogram's series (they would read ~1 s and skew the
 * cluster's average): the merged nodejs_eventloop_lag_{min,…,p99}_seconds are the ingress
 * processes', nodejs_eventloop_lag_seconds (a setImmediate at scrape time) is everyone's.
 */
export const PRIMARY_EVENT_LOOP_SAMPLE_MS = 1000;
export const LOOP_DELAY_HISTOGRAM_SERIES = [
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
] as const;

/**
 * Creates this process's registry, the facade over it, and `collect()` for the Prometheus
 * server.
 *
 * Every process uses a registry of its own, never prom-client's global registry, and the
 * cluster aggregation does not use `AggregatorRegistry#clusterMetrics()`. That method only
 * sums the cluster workers — it would drop the primary's own control-plane series — it
 * answers from whatever `AggregatorRegistry.setRegistries()` last set (module-global), and a
 * worker that exits mid-scrape stalls it for 5 s and then fails it. Instead, the primary
 * asks each ingress process for `getMetricsAsJSON()` over typed IPC messages
 * (cluster-collector.ts / cluster-reporter.ts) and merges the results, its own registry
 * first, with `AggregatorRegistry.aggregate()`, which applies each family's `aggregator`
 * (see families.ts).
 */
export function createMetricsForProcess(
  kind: ProcessKind,
  opts: ProcessMetricsOptions = {},
): ProcessMetrics {
  const registry = new Registry();
  const metrics = createGatewayMetrics(registry, opts);
  // process_* and nodejs_* of this process (CPU, RSS, heap, event-loop lag, GC); the primary
  // merges its ingress processes' with prom-client's per-metric aggregators (sums, averages)
  if (kind === 'primary') {
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: PRIMARY_EVENT_LOOP_SAMPLE_MS,
    });
    for (const name of LOOP_DELAY_HISTOGRAM_SERIES) registry.removeSingleMetric(name);
  } else collectDefaultMetrics({ register: registry });
  const own = async (): Promise<MetricsExposition> => ({
    contentType: registry.contentType,
    body: await registry.metrics(),
  });

  const ownJson = (): Promise<readonly MetricFamilyJson[]> => registry.getMetricsAsJSON();

  switch (kind) {
    case 'single':
      return { kind, metrics, collect: own, collectJson: ownJson, close: () => undefined };
    case 'ingress': {
      const reporter = startMetricsReporter(registry, opts.channel ?? processEndpoint());
      return { kind, metrics, collect: own, collectJson: ownJson, close: () => reporter.close() };
    }
    case 'primary': {
      const timeout = opts.scrapeTimeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
      const collector = createClusterCollector(opts.cluster ?? primaryCluster(), timeout);
      const merged = async (): Promise<Registry> => {
        const [mine, ingress] = await Promise.all([
          registry.getMetricsAsJSON(),
          collector.collect(),
        ]);
        return mergeRegistries([mine, ...ingress]);
      };
      const collect = async (): Promise<MetricsExposition> => ({
        contentType: registry.contentType,
        body: await (await merged()).metrics(),
      });
      const collectJson = async (): Promise<readonly MetricFamilyJson[]> =>
        (await merged()).getMetricsAsJSON();
      return { kind, metrics, collect, collectJson, close: () => collector.close() };
    }
  }
}

function primaryCluster(): ClusterLike {
  if (!nodeCluster.isPrimary) {
    throw new Error('primary metrics must be created in the cluster primary process');
  }
  return nodeCluster;
}
