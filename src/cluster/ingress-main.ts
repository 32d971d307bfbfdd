import type { GatewayConfig } from '../config/config';
import { freezeConfig } from '../config/freeze';
import { createIpcBus, type IpcChannel } from '../state/ipc-bus';
import { createLogger } from '../util/logger';
import { startIngress } from './ingress';
import { createIpcRpcClient } from './rpc';
import { setupMetrics } from './metrics-setup';
import { ingressBus } from './shared-bus';
import { INGRESS_ID_ENV, isSupervisorMessage, type SupervisorMessage } from './messages';

/** The primary sends the config right after fork; the structured clone is frozen again here. */
function receiveConfig(timeoutMs: number): Promise<GatewayConfig> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no config from the primary')), timeoutMs);
    const onMessage = (m: unknown): void => {
      if (!isSupervisorMessage(m) || m.tag !== 'collie:config') return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(freezeConfig(m.config));
    };
    process.on('message', onMessage);
  });
}

/** Entry point of a forked ingress process (cluster mode). */
async function main(): Promise<void> {
  const id = process.env[INGRESS_ID_ENV] ?? `ingress-${process.pid}`;
  if (!process.send) throw new Error('ingress process started without a primary');
  const channel = process as unknown as IpcChannel;
  // attach the state bus first: the primary replays the registry right after the config
  const bus = createIpcBus(id, channel);
  const config = await receiveConfig(30_000);
  const logger = createLogger({
    level: config.logLevel,
    json: config.logJson,
    name: id,
    ...(config.logDir !== undefined ? { dir: config.logDir } : {}),
  });
  const send = (m: SupervisorMessage): void => {
    process.send?.(m);
  };
  const metrics = await setupMetrics(config, 'ingress');
  const shared = await ingressBus(config, bus, logger);
  const ingress = await startIngress({
    config,
    bus: shared.bus,
    logger,
    exclusivePort: false,
    control: createIpcRpcClient(channel),
    metrics: metrics.metrics,
  });
  let closing = false;
  const shutdown = (graceMs: number): void => {
    if (closing) return;
    closing = true;
    ingress
      .close(graceMs)
      .then(() => shared.close())
      .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
      .finally(() => process.exit(0));
  };
  process.on('message', (m: unknown) => {
    if (isSupervisorMessage(m) && m.tag === 'collie:shutdown') shutdown(m.graceMs);
  });
  // Ctrl-C reaches the whole process group: the primary coordinates that shutdown.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => shutdown(config.shutdownGracePeriodSecs * 1000));
  process.on('disconnect', () => process.exit(0));
  send({ tag: 'collie:listening', port: ingress.port });
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.send?.({ tag: 'collie:fatal', message } satisfies SupervisorMessage);
  process.stderr.write(`collie ingress: ${message}\n`);
  process.exit(1);
});
