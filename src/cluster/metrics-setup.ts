import type { GatewayConfig } from '../config/config';
import { createMetricsForProcess, startPrometheusServer, type GatewayMetrics } from '../metrics';
import type { MetricFamilyJson } from '../metrics/process-metrics';

export interface MetricsSetup {
  readonly metrics: GatewayMetrics;
  /** Bound Prometheus port (single and primary processes only). */
  readonly port: number | undefined;
  /** What /metrics serves, as prom-client JSON (the instance's aggregate in the primary). */
  json(): Promise<readonly MetricFamilyJson[]>;
  close(): Promise<void>;
}

function bucketOpts(config: GatewayConfig): { durationBuckets?: number[] } {
  return config.prometheusDurationBuckets.length > 0
    ? { durationBuckets: [...config.prometheusDurationBuckets] }
    : {};
}

/**
 * The metrics of one process. Single and primary processes serve /metrics on
 * --prometheus-host/--prometheus-port (the primary aggregates its ingress processes);
 * an ingress process only answers the primary's scrapes.
 */
export async function setupMetrics(
  config: GatewayConfig,
  kind: 'single' | 'primary' | 'ingress',
): Promise<MetricsSetup> {
  const pm = createMetricsForProcess(kind, bucketOpts(config));
  if (kind === 'ingress') {
    return {
      metrics: pm.metrics,
      port: undefined,
      json: () => pm.collectJson(),
      close: () => Promise.resolve(pm.close()),
    };
  }
  const server = await startPrometheusServer({
    host: config.prometheusHost,
    port: config.prometheusPort,
    collect: () => pm.collect(),
  });
  return {
    metrics: pm.metrics,
    port: server.port,
    json: () => pm.collectJson(),
    async close() {
      await server.close();
      pm.close();
    },
  };
}
