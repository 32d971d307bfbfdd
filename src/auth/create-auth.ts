import { systemClock, type Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createAuditLog } from './audit';
import { authenticateControlPlane, type ControlPlaneDeps } from './control-plane';
import { createJwtVerifier, type JwtVerifier } from './jwt/verifier';
import { KeyRing } from './keys';
import { controlPlaneUnauthorized, INVALID_TOKEN } from './replies';
import {
  createDataPlaneCheck,
  createSharedKeyCheck,
  denyAll,
  type JwtState,
  openAccess,
  selectMode,
} from './selection';
import { peerTenant } from './tenant';
import type { Auth, AuthConfig, AuthOutcome, ControlPlaneMode } from './types';

export interface AuthDeps {
  logger: Logger;
  /** Timeout for OIDC discovery and each JWKS fetch, ms. Default 10 000 (SMG's client). */
  fetchTimeoutMs?: number;
  /** Time source for `exp`/`nbf` checks. Default: the system clock. */
  clock?: Clock;
}

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/**
 * Builds both auth layers. Runs OIDC discovery when JWT is configured without a JWKS
 * URI; if that fails the failure is logged and the admin routes fall back (see
 * `selectMode`). Throws only for invalid configuration (empty keys).
 */
export async function createAuth(cfg: AuthConfig, deps: AuthDeps): Promise<Auth> {
  validate(cfg);
  const { logger } = deps;
  const { verifier, state } = await initJwt(cfg, deps);
  const mode = selectMode(cfg, state);
  logMode(logger, cfg, mode, state);
  const dataPlane = createDataPlaneCheck(cfg);
  const controlPlane = controlPlaneHandler(cfg, mode, verifier, logger);
  return Object.freeze({ dataPlane, controlPlane, controlPlaneMode: mode });
}

function validate(cfg: AuthConfig): void {
  if (cfg.apiKey === '') throw new Error('--api-key must not be empty');
  for (const t of cfg.tenantApiKeys) {
    if (t.tenant === '' || t.key === '') {
      throw new Error('--tenant-api-key: expected TENANT:KEY (both non-empty)');
    }
  }
  for (const k of cfg.controlPlaneApiKeys) {
    if (k.id === '' || k.key === '') {
      throw new Error('--control-plane-api-keys: ID and KEY must not be empty');
    }
  }
}

async function initJwt(
  cfg: AuthConfig,
  deps: AuthDeps,
): Promise<{ verifier: JwtVerifier | undefined; state: JwtState }> {
  if (cfg.jwt === undefined) return { verifier: undefined, state: 'not_configured' };
  const clock = deps.clock ?? systemClock;
  try {
    const verifier = await createJwtVerifier(cfg.jwt, {
      timeoutMs: deps.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
      now: () => clock.now(),
    });
    return { verifier, state: 'ready' };
  } catch (err) {
    deps.logger.error(
      { err: err instanceof Error ? err.message : String(err), issuer: cfg.jwt.issuer },
      'failed to initialize control plane JWT auth; JWTs will not be accepted',
    );
    return { verifier: undefined, state: 'failed' };
  }
}

function logMode(logger: Logger, cfg: AuthConfig, mode: ControlPlaneMode, jwt: JwtState): void {
  const keyIds = cfg.controlPlaneApiKeys.map((k) => k.id);
  const dataPlaneKeys = (cfg.apiKey === undefined ? 0 : 1) + cfg.tenantApiKeys.length;
  logger.info(
    {
      control_plane_mode: mode,
      jwt,
      control_plane_key_ids: keyIds,
      data_plane_auth: dataPlaneKeys > 0,
      tenant_ids: cfg.tenantApiKeys.map((t) => t.tenant),
      audit_logging: mode === 'control_plane' && !cfg.disableAuditLogging,
    },
    'auth configured',
  );
}

type ControlPlaneCheck = Auth['controlPlane'];

function controlPlaneHandler(
  cfg: AuthConfig,
  mode: ControlPlaneMode,
  jwt: JwtVerifier | undefined,
  logger: Logger,
): ControlPlaneCheck {
  switch (mode) {
    case 'open':
      return (headers, remote) => Promise.resolve(openAccess(headers, { remoteAddress: remote }));
    case 'deny_all':
      return (headers, remote) => Promise.resolve(denyAll(headers, { remoteAddress: remote }));
    case 'shared_key': {
      const check = createSharedKeyCheck(cfg.apiKey as string);
      return (headers, remote) => Promise.resolve(check(headers, { remoteAddress: remote }));
    }
    case 'control_plane': {
      const deps: ControlPlaneDeps = {
        jwt,
        keys: new KeyRing(
          cfg.controlPlaneApiKeys.map((k) => [k.key, k] as const),
          'first',
        ),
        audit: createAuditLog(logger, !cfg.disableAuditLogging),
        tenantOf: peerTenant,
      };
      return async (headers, remote, ctx): Promise<AuthOutcome> => {
        try {
          return await authenticateControlPlane(deps, headers, remote, ctx);
        } catch (err) {
          // A bug, not a credential problem: fail closed, keep serving.
          logger.error({ err }, 'control plane auth failed unexpectedly');
          return { ok: false, reply: controlPlaneUnauthorized(INVALID_TOKEN) };
        }
      };
    }
  }
}
