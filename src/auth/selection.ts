import { bearerToken, KeyRing } from './keys';
import { emptyUnauthorized } from './replies';
import { peerTenant, sharedKeyTenant, tenantKeyTenant } from './tenant';
import type { AuthConfig, AuthOutcome, ControlPlaneMode, Headers, Peer } from './types';

/** What became of the JWT configuration at startup. */
export type JwtState = 'not_configured' | 'ready' | 'failed';

/**
 * SMG §2.2, decided once at startup:
 * 1. control-plane auth configured and initialised → `control_plane` (the shared key is
 *    not accepted on admin routes);
 * 2. else a shared `--api-key` → `shared_key` (tenant keys get 401);
 * 3. else only tenant keys → `deny_all`;
 * 4. else → `open`.
 * When JWT initialisation fails: control-plane keys alone if there are any, else rule 2,
 * else `deny_all` — never `open`, since the operator asked for authentication.
 */
export function selectMode(cfg: AuthConfig, jwt: JwtState): ControlPlaneMode {
  if (jwt === 'ready' || cfg.controlPlaneApiKeys.length > 0) return 'control_plane';
  if (cfg.apiKey !== undefined) return 'shared_key';
  if (cfg.tenantApiKeys.length > 0 || jwt === 'failed') return 'deny_all';
  return 'open';
}

export type DataPlaneCheck = (headers: Headers, peer: Peer) => AuthOutcome;

/** Allowed, as the peer's tenant: the address is read only if someone asks for the tenant. */
class PeerOutcome {
  readonly ok = true;
  private cached: string | undefined;
  constructor(private readonly peer: Peer) {}
  get tenant(): string {
    return (this.cached ??= peerTenant(this.peer.remoteAddress));
  }
}

const peerOutcome = (peer: Peer): AuthOutcome => new PeerOutcome(peer);

/**
 * SMG §2.1: enabled iff any shared or tenant key is configured; `Bearer <token>` whose
 * SHA-256 matches a key. A tenant key equal to the shared key wins (SMG's map insert).
 */
export function createDataPlaneCheck(cfg: AuthConfig): DataPlaneCheck {
  const entries: Array<readonly [string, string]> = [];
  if (cfg.apiKey !== undefined) entries.push([cfg.apiKey, sharedKeyTenant(cfg.apiKey)]);
  for (const t of cfg.tenantApiKeys) entries.push([t.key, tenantKeyTenant(t.tenant)]);
  const ring = new KeyRing(entries, 'last');
  if (ring.size === 0) return (_headers, peer) => peerOutcome(peer);
  return (headers) => {
    const token = bearerToken(headers);
    const tenant = token === undefined ? undefined : ring.lookup(token);
    return tenant === undefined ? { ok: false, reply: emptyUnauthorized() } : { ok: true, tenant };
  };
}

/** Rule 2: the data-plane Bearer check restricted to the shared key. */
export function createSharedKeyCheck(apiKey: string): DataPlaneCheck {
  const ring = new KeyRing([[apiKey, sharedKeyTenant(apiKey)]], 'last');
  return (headers) => {
    const token = bearerToken(headers);
    const tenant = token === undefined ? undefined : ring.lookup(token);
    if (tenant === undefined) return { ok: false, reply: emptyUnauthorized() };
    return {
      ok: true,
      tenant,
      principal: { subject: 'shared-api-key', role: 'admin', via: 'shared_key' },
    };
  };
}

/** Rule 3: every admin request is refused, credential or not. */
export const denyAll: DataPlaneCheck = () => ({ ok: false, reply: emptyUnauthorized() });

/** Rule 4: no keys at all. */
export const openAccess: DataPlaneCheck = (_headers, peer) => peerOutcome(peer);
