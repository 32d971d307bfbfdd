import type { GatewayConfig } from '../config/config';
import type { MetricsSetup } from '../cluster/metrics-setup';
import { packageVersion } from '../util/version';
import type { InstanceView } from './types';

/** The control plane's `dashboard` option: absent with --disable-dashboard. */
export function dashboardInputs(
  config: Pick<GatewayConfig, 'disableDashboard' | 'policy'>,
  metrics: Pick<MetricsSetup, 'json'>,
  ingressProcesses: number,
): { dashboard?: { metricsJson: () => Promise<readonly unknown[]>; instance: InstanceView } } {
  if (config.disableDashboard) return {};
  return {
    dashboard: {
      metricsJson: () => metrics.json(),
      instance: {
        version: packageVersion(),
        policy: config.policy,
        ingress_processes: ingressProcesses,
      },
    },
  };
}
