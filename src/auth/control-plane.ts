import type { AuditLog } from './audit';
import type { JwtVerifier } from './jwt/verifier';
import { bearerToken, isVisibleAscii, type KeyRing } from './keys';
import {
  adminRequired,
  controlPlaneUnauthorized,
  INVALID_TOKEN,
  invalidJwt,
  MISSING_HEADER,
} from './replies';
import type { AuditContext, AuthOutcome, ControlPlaneApiKey, Headers, Principal } from './types';

export interface ControlPlaneDeps {
  /** Present only when JWT is configured and initialised. */
  jwt: JwtVerifier | undefined;
  keys: KeyRing<ControlPlaneApiKey>;
  audit: AuditLog;
  /** Tenant attached to a successful outcome (admin routes do no tenant resolution). */
  tenantOf(remoteAddress: string): string;
}

/**
 * SMG's control-plane middleware (crates/auth middleware.rs): Bearer token required;
 * JWT first when configured, and a JWT-shaped token (exactly three dot-separated parts)
 * that fails is final; then control-plane API keys; then admin role required.
 */
export async function authenticateControlPlane(
  deps: ControlPlaneDeps,
  headers: Headers,
  remoteAddress: string,
  ctx: AuditContext | undefined,
): Promise<AuthOutcome> {
  const token = controlPlaneToken(headers);
  if (token === undefined) {
    deps.audit.record({ outcome: 'failure', reason: MISSING_HEADER }, ctx);
    return { ok: false, reply: controlPlaneUnauthorized(MISSING_HEADER) };
  }

  if (deps.jwt !== undefined) {
    const r = await deps.jwt.verify(token);
    if (r.ok) {
      return authorize(deps, { subject: r.subject, role: r.role, via: 'jwt' }, remoteAddress, ctx);
    }
    if (token.split('.').length === 3) {
      const reason = `Invalid JWT: ${r.reason}`;
      deps.audit.record({ outcome: 'failure', authMethod: 'jwt', reason }, ctx);
      return { ok: false, reply: invalidJwt(r.reason) };
    }
  }

  const entry = deps.keys.lookup(token);
  if (entry !== undefined) {
    return authorize(
      deps,
      { subject: entry.id, role: entry.role, via: 'api_key' },
      remoteAddress,
      ctx,
    );
  }
  deps.audit.record({ outcome: 'failure', reason: 'Invalid token' }, ctx);
  return { ok: false, reply: controlPlaneUnauthorized(INVALID_TOKEN) };
}

/**
 * The Bearer token, or undefined when the header is missing, is not `Bearer ` + token,
 * or is not visible ASCII (http's `to_str()` fails, which SMG treats as missing).
 */
function controlPlaneToken(headers: Headers): string | undefined {
  const token = bearerToken(headers);
  return token !== undefined && isVisibleAscii(token) ? token : undefined;
}

function authorize(
  deps: ControlPlaneDeps,
  principal: Principal,
  remoteAddress: string,
  ctx: AuditContext | undefined,
): AuthOutcome {
  const authMethod = principal.via === 'jwt' ? 'jwt' : 'api_key';
  const who = { authMethod, principal: principal.subject, role: principal.role } as const;
  if (principal.role !== 'admin') {
    deps.audit.record({ outcome: 'denied', ...who, reason: 'Admin role required' }, ctx);
    return { ok: false, reply: adminRequired() };
  }
  deps.audit.record({ outcome: 'success', ...who }, ctx);
  return { ok: true, tenant: deps.tenantOf(remoteAddress), principal };
}
