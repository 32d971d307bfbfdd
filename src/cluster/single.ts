import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import { createMemoryHub } from '../state/memory-bus';
import { startControlPlane, type ControlPlane } from '../control/control-plane';
import { createDirectRpc } from './rpc';
import { startProbeServer } from '../control/probe-server';
import { startIngress, type Ingress } from './ingress';
import { claimPort } from './port-check';
import { startClusterMesh } from '../ha/start';
import { setupMetrics } from './metrics-setup';
import { dashboardInputs } from '../dashboard/inputs';
import { ingressBus } from './shared-bus';
import { freezeConfig } from '../config/freeze';

export interface Gateway {
  readonly port: number;
  /** Resolves when startup worker registration finished (or gave up). */
  readonly startupDone: Promise<void>;
  /** The bound Prometheus port. */
  readonly metricsPort: number | undefined;
  close(graceMs?: number): Promise<void>;
}

/** One process: control plane and ingress share an in-memory bus (the embedded default). */
export async function startSingleProcess(
  config: GatewayConfig,
  logger: Logger,
): Promise<Gateway & { ingress: Ingress; control: ControlPlane }> {
  // Port 0 without a mesh to advertise it: uWS binds a free port itself (exclusively). A port
  // claimed here and listened on only after startup (registry sync, up to 10 s) could be taken
  // meanwhile as the source port of an outgoing connection.
  const port =
    config.port === 0 && config.redisUrl === undefined
      ? 0
      : await claimPort(config.host, config.port);
  const mesh = await startClusterMesh(config, port, logger);
  const metrics = await setupMetrics(config, 'single');
  const hub = createMemoryHub();
  const controlBus = hub.join('primary');
  const control = startControlPlane({
    config,
    bus: controlBus,
    logger,
    metrics: metrics.metrics,
    ...(mesh ? { mesh } : {}),
    ...dashboardInputs(config, metrics, 1),
  });
  const shared = await ingressBus(config, hub.join(`ingress-${process.pid}`), logger);
  const ingress = await startIngress({
    config: freezeConfig({ ...config, port }),
    bus: shared.bus,
    logger,
    exclusivePort: true,
    control: createDirectRpc(control.handle),
    metrics: metrics.metrics,
  });
  const probes =
    config.healthCheckPort !== undefined
      ? await startProbeServer(config.host, config.healthCheckPort, control.registry)
      : undefined;
  logger.info({ host: config.host, port: ingress.port, ingressProcesses: 1 }, 'collie listening');
  return {
    port: ingress.port,
    ingress,
    control,
    startupDone: control.startupDone,
    metricsPort: metrics.port,
    async close(graceMs = 5000) {
      probes?.setDraining();
      const leaving = mesh?.leave(); // the others drop this node at once
      await ingress.close(graceMs);
      await shared.close();
      control.close();
      await leaving;
      await mesh?.close();
      await probes?.close();
      controlBus.close();
      await metrics.close();
    },
  };
}
