export type {
  Auth,
  AuthConfig,
  AuthOutcome,
  AuditContext,
  ControlPlaneApiKey,
  ControlPlaneMode,
  Headers,
  JwtConfig,
  Principal,
  Role,
  RoleMapping,
  TenantApiKey,
} from './types';
export { parseControlPlaneKey, parseRoleMapping, parseTenantKey } from './parse';
export { createAuth, type AuthDeps } from './create-auth';
