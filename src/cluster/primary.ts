import cluster, { type Worker as IngressProcess } from 'node:cluster';
import path from 'node:path';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import { createIpcHub } from '../state/ipc-bus';
import { startControlPlane } from '../control/control-plane';
import { serveRpc } from './rpc';
import { setupMetrics } from './metrics-setup';
import { dashboardInputs } from '../dashboard/inputs';
import { startProbeServer } from '../control/probe-server';
import { claimPort } from './port-check';
import { startClusterMesh } from '../ha/start';
import { INGRESS_ID_ENV, isSupervisorMessage, type SupervisorMessage } from './messages';
import type { Gateway } from './single';
import { SECRET_ENV } from '../config/flags-hardening';

const RESTART_DELAY_MS = 500;

/**
 * The primary of a multi-process instance: claims the port, forks N ingress processes that
 * all listen on it (SO_REUSEPORT), runs the control plane once, relays shared state between
 * the processes, and replaces an ingress process that dies.
 */
export async function startPrimary(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  const port = await claimPort(config.host, config.port);
  const childConfig: GatewayConfig = { ...config, port };
  const mesh = await startClusterMesh(config, port, logger);
  const metrics = await setupMetrics(config, 'primary');
  const hub = createIpcHub('primary');
  const control = startControlPlane({
    config,
    bus: hub.local,
    logger,
    metrics: metrics.metrics,
    ...(mesh ? { mesh } : {}),
    ...dashboardInputs(config, metrics, config.ingressProcesses),
  });
  let shuttingDown = false;
  const live = new Map<number, { id: string; proc: IngressProcess }>();

  // No launch arguments and no secret variables for the children: `ps` and /proc/<pid>/environ
  // of an ingress process show neither; the config (keys included) arrives over IPC.
  cluster.setupPrimary({ exec: path.join(__dirname, 'ingress-main.js'), args: [], silent: false });
  const scrubbed: Record<string, undefined> = {};
  for (const name of Object.values(SECRET_ENV)) scrubbed[name] = undefined;

  function fork(slot: number): Promise<void> {
    const id = `ingress-${slot}-${Date.now().toString(36)}`;
    // an undefined value leaves the variable out of the child's environment
    const proc = cluster.fork({ ...scrubbed, [INGRESS_ID_ENV]: id });
    live.set(slot, { id, proc });
    proc.send({ tag: 'collie:config', config: childConfig } satisfies SupervisorMessage);
    hub.addPeer(id, proc);
    // A send racing the child's exit surfaces as an 'error' event: log it, never crash.
    proc.on('error', (err) => logger.debug({ err, slot }, 'ingress channel error'));
    proc.on('disconnect', () => {
      hub.removePeer(id);
      control.peerGone(id);
    });
    serveRpc(proc, id, control.handle);
    return new Promise((resolve, reject) => {
      let ready = false;
      proc.on('message', (m: unknown) => {
        if (!isSupervisorMessage(m)) return;
        if (m.tag === 'collie:listening') {
          ready = true;
          resolve();
        } else if (m.tag === 'collie:fatal') {
          reject(new Error(m.message));
        }
      });
      proc.on('exit', (code, signal) => {
        hub.removePeer(id);
        if (live.get(slot)?.proc === proc) live.delete(slot);
        if (!ready) reject(new Error(`ingress process exited during startup (code ${code})`));
        if (shuttingDown || !ready) return;
        logger.error({ slot, code, signal }, 'ingress process died; starting a replacement');
        setTimeout(() => {
          if (!shuttingDown)
            fork(slot).catch((err: unknown) => logger.error({ err }, 'replacement failed'));
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  try {
    await Promise.all(Array.from({ length: config.ingressProcesses }, (_, i) => fork(i)));
  } catch (err) {
    shuttingDown = true;
    control.close();
    for (const { proc } of live.values()) proc.kill();
    await metrics.close();
    await mesh?.close();
    throw err;
  }
  const probes =
    config.healthCheckPort !== undefined
      ? await startProbeServer(config.host, config.healthCheckPort, control.registry)
      : undefined;
  logger.info(
    { host: config.host, port, ingressProcesses: config.ingressProcesses },
    'collie listening',
  );

  return {
    port,
    startupDone: control.startupDone,
    metricsPort: metrics.port,
    async close(graceMs = 5000) {
      shuttingDown = true;
      probes?.setDraining();
      const leaving = mesh?.leave(); // the others drop this node at once
      const exits = [...live.values()].map(
        ({ proc }) =>
          new Promise<void>((resolve) => {
            if (proc.isDead()) return resolve();
            const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs + 2000);
            proc.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            proc.send({ tag: 'collie:shutdown', graceMs });
          }),
      );
      await Promise.all(exits);
      control.close();
      await leaving;
      await mesh?.close();
      await probes?.close();
      await metrics.close();
    },
  };
}
