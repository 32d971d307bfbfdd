import type { Reply } from '../errors/gateway-error';

export type Role = 'admin' | 'user';

export interface TenantApiKey {
  tenant: string;
  key: string;
}

export interface ControlPlaneApiKey {
  id: string;
  name: string;
  role: Role;
  key: string;
}

export interface RoleMapping {
  idp: string;
  role: Role;
}

export interface JwtConfig {
  /** Expected `iss`; also the base of OIDC discovery when `jwksUri` is absent. */
  issuer: string;
  /** Expected `aud` (string, or one member of an array). */
  audience: string;
  /** Explicit JWKS endpoint; skips OIDC discovery. */
  jwksUri?: string;
  /** Claim holding the role(s); SMG's default is `roles`. */
  roleClaim: string;
  /** `--jwt-role-mapping idp=admin|user`; when non-empty only mapped values count. */
  roleMapping: ReadonlyArray<RoleMapping>;
}

export interface AuthConfig {
  /** `--api-key`: shared data-plane key; also the admin key when no control-plane auth. */
  apiKey?: string;
  /** `--tenant-api-key TENANT:KEY` (repeatable). */
  tenantApiKeys: ReadonlyArray<TenantApiKey>;
  /** `--control-plane-api-keys ID:NAME:ROLE:KEY` (repeatable). */
  controlPlaneApiKeys: ReadonlyArray<ControlPlaneApiKey>;
  /** `--jwt-issuer` + `--jwt-audience` (+ `--jwt-jwks-uri`, `--jwt-role-claim`, `--jwt-role-mapping`). */
  jwt?: JwtConfig;
  /** `--disable-audit-logging`. */
  disableAuditLogging: boolean;
}

export interface Principal {
  /** JWT subject, control-plane key id, or `shared-api-key`. Never a secret. */
  subject: string;
  role: Role;
  via: 'jwt' | 'api_key' | 'shared_key';
}

export type AuthOutcome =
  { ok: true; tenant: string; principal?: Principal } | { ok: false; reply: Reply };

/** How admin and workers routes are protected, decided once at startup (SMG §2.2 rules 1–4). */
export type ControlPlaneMode = 'control_plane' | 'shared_key' | 'deny_all' | 'open';

/** Request facts for audit entries; all optional. */
export interface AuditContext {
  method?: string;
  path?: string;
  requestId?: string;
}

/**
 * The client's side of the connection. A request passes itself: its address is read from
 * the socket only when a check needs it (a syscall most requests never make).
 */
export interface Peer {
  readonly remoteAddress: string;
}

/** Request headers keyed by lower-case name. */
export type Headers = ReadonlyMap<string, string>;

export interface Auth {
  /**
   * Protected (data-plane) routes. Synchronous and cheap: one SHA-256 of the presented
   * token and a constant-time scan of the precomputed key digests.
   */
  dataPlane(headers: Headers, peer: Peer): AuthOutcome;
  /** Admin and workers routes, per `controlPlaneMode`. Never rejects. */
  controlPlane(headers: Headers, remoteAddress: string, ctx?: AuditContext): Promise<AuthOutcome>;
  readonly controlPlaneMode: ControlPlaneMode;
}
