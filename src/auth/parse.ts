import type { ControlPlaneApiKey, Role, RoleMapping, TenantApiKey } from './types';

/** `admin` / `user`, case-insensitive (SMG lower-cases before matching). */
function parseRole(s: string): Role | undefined {
  const lower = s.toLowerCase();
  return lower === 'admin' || lower === 'user' ? lower : undefined;
}

/**
 * `--tenant-api-key TENANT:KEY`. Splits on the first `:`, so the key may contain `:`.
 * Both parts must be non-empty (SMG rejects empty tenant entries at config validation).
 */
export function parseTenantKey(s: string): TenantApiKey {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) {
    throw new Error('--tenant-api-key: expected TENANT:KEY (both non-empty)');
  }
  return { tenant: s.slice(0, i), key: s.slice(i + 1) };
}

/**
 * `--control-plane-api-keys ID:NAME:ROLE:KEY`. Splits on the first three `:` (SMG's
 * `splitn(4, ':')`), so the key may contain `:`. The error never echoes the input: it
 * holds a secret.
 */
export function parseControlPlaneKey(s: string): ControlPlaneApiKey {
  const a = s.indexOf(':');
  const b = a < 0 ? -1 : s.indexOf(':', a + 1);
  const c = b < 0 ? -1 : s.indexOf(':', b + 1);
  if (c < 0) {
    throw new Error('--control-plane-api-keys: expected ID:NAME:ROLE:KEY');
  }
  const id = s.slice(0, a);
  const name = s.slice(a + 1, b);
  const roleText = s.slice(b + 1, c);
  const key = s.slice(c + 1);
  const role = parseRole(roleText);
  if (role === undefined) {
    throw new Error(
      `--control-plane-api-keys: invalid role '${roleText}' for key id '${id}' (expected admin or user)`,
    );
  }
  if (id === '') throw new Error('--control-plane-api-keys: ID must not be empty');
  // An empty key would let `Authorization: Bearer ` (nothing after the space) in.
  if (key === '') {
    throw new Error(`--control-plane-api-keys: KEY must not be empty (key id '${id}')`);
  }
  return { id, name, role, key };
}

/**
 * `--jwt-role-mapping IDP_VALUE=admin|user`. Splits on the last `=` so IdP values that
 * contain `=` (LDAP DNs such as `cn=admins,ou=groups`) can be mapped; every input SMG
 * accepts (it splits on the first) parses the same way, since a role has no `=`.
 */
export function parseRoleMapping(s: string): RoleMapping {
  const i = s.lastIndexOf('=');
  if (i < 0) {
    throw new Error(`--jwt-role-mapping: expected IDP_ROLE=admin|user, got '${s}'`);
  }
  const idp = s.slice(0, i);
  const roleText = s.slice(i + 1);
  if (idp === '') throw new Error(`--jwt-role-mapping: IDP_ROLE must not be empty in '${s}'`);
  const role = parseRole(roleText);
  if (role === undefined) {
    throw new Error(
      `--jwt-role-mapping: invalid gateway role '${roleText}' in '${s}' (expected admin or user)`,
    );
  }
  return { idp, role };
}
