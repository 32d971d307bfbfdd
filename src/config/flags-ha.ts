import { ConfigError } from './errors';
import { bool, str } from './flag-kinds';
import { derive } from './schema';
import { loadTenantLimitConfig, type TenantLimitConfig } from '../ha/tenant-config';

/**
 * One cluster over Redis (/ha/*, membership, global rate limit). SMG's peer-to-peer mesh
 * is not reimplemented: instances sharing one --redis-url are the mesh.
 */
export const HA_FLAGS = {
  meshServerName: str('--mesh-server-name', {
    help: 'Node name of this instance in the cluster (/ha/status); unset: <hostname>-<random>, stable for the process life. Needs --redis-url',
  }).to(meshServerName),
  enableMesh: bool('--enable-mesh', {
    help: 'Accepted for SMG compatibility; requires --redis-url (the instances sharing it are the mesh)',
  }),
  /** The validated tenant rate-limit file, when enabled. */
  tenantLimits: derive(
    {
      enabled: bool('--tenant-rate-limit-enabled', {
        help: 'Per-tenant requests/tokens per minute from --tenant-rate-limit-config (cluster-wide with --redis-url)',
      }),
      file: str('--tenant-rate-limit-config', {
        help: 'YAML file of tenant rate limits (SMG format: default_policy, tenants, model_rules)',
      }),
    },
    (v): TenantLimitConfig | undefined => {
      if (!v.enabled) return undefined;
      if (v.file === undefined) {
        throw new ConfigError(
          '--tenant-rate-limit-enabled requires --tenant-rate-limit-config FILE',
        );
      }
      try {
        return loadTenantLimitConfig(v.file);
      } catch (err) {
        throw new ConfigError(`--tenant-rate-limit-config: ${(err as Error).message}`);
      }
    },
  ),
};

/** Node names: what fits in a Redis key and a log line. */
function meshServerName(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(v)) {
    throw new ConfigError(
      `--mesh-server-name: expected 1-128 characters of letters, digits, '.', '_', ':' or '-', got '${v}'`,
    );
  }
  return v;
}

/** SMG's peer-to-peer mesh flags: refused, pointing to what replaces them. */
export const REDIRECTED_FLAGS: ReadonlyMap<string, string> = new Map(
  ['--mesh-host', '--mesh-port', '--mesh-peer-urls', '--mesh-advertise-host'].map((f) => [
    f,
    `${f}: collie has no peer-to-peer mesh; instances form one cluster by sharing --redis-url (see README "Running several instances")`,
  ]),
);

/** Cross-flag rules of the HA flags (run once the whole config is read). */
export function checkHaFlags(c: {
  readonly enableMesh: boolean;
  readonly redisUrl?: string;
  readonly meshServerName?: string;
}): void {
  if (c.enableMesh && c.redisUrl === undefined) {
    throw new ConfigError(
      '--enable-mesh requires --redis-url: instances form one cluster through a shared Redis',
    );
  }
  if (c.meshServerName !== undefined && c.redisUrl === undefined) {
    throw new ConfigError('--mesh-server-name requires --redis-url');
  }
}
