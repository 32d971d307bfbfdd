import os from 'node:os';
import type { GatewayConfig } from '../config/config';
import type { Logger } from '../util/logger';
import { startMesh, type Mesh } from './mesh';

/** collie's version (package.json), reported per node in /ha/status. */
export function collieVersion(): string {
  return (require('../../../package.json') as { version: string }).version; // eslint-disable-line @typescript-eslint/no-require-imports
}

/** The node name: --mesh-server-name, else `<hostname>-<8 chars of the instance id>`. */
export function nodeName(config: Pick<GatewayConfig, 'meshServerName' | 'instanceId'>): string {
  if (config.meshServerName !== undefined) return config.meshServerName;
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) || 'collie';
  return `${host}-${config.instanceId.replace(/-/g, '').slice(-8)}`;
}

/** With --redis-url: joins the cluster (throws when the node name is taken by a live node). */
export async function startClusterMesh(
  config: GatewayConfig,
  port: number,
  logger: Logger,
): Promise<Mesh | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const host = config.host === '0.0.0.0' || config.host === '::' ? os.hostname() : config.host;
  return startMesh({
    url: config.redisUrl,
    name: nodeName(config),
    instanceId: config.instanceId,
    address: `${host}:${port}`,
    version: collieVersion(),
    logger,
  });
}
