import { parseControlPlaneKey, parseRoleMapping, parseTenantKey, type JwtConfig } from '../auth';
import { ConfigError } from './errors';
import { bool, list, str } from './flag-kinds';
import { configEntries } from './transforms';
import { derive, type ConfigOf } from './schema';
import { SECRET_ENV, secretList, secretString } from './flags-hardening';

/** SMG's JWT flags (with its environment fallbacks) → the JWT settings, or none. */
const JWT_FLAGS = {
  issuer: str('--jwt-issuer', {
    env: 'JWT_ISSUER',
    help: 'Control-plane JWT issuer; OIDC discovery base when --jwt-jwks-uri is unset (env JWT_ISSUER)',
  }),
  audience: str('--jwt-audience', {
    env: 'JWT_AUDIENCE',
    help: 'Control-plane JWT audience (env JWT_AUDIENCE)',
  }),
  jwksUri: str('--jwt-jwks-uri', {
    env: 'JWT_JWKS_URI',
    help: 'JWKS URL for control-plane JWTs (env JWT_JWKS_URI)',
  }),
  roleClaim: str('--jwt-role-claim', { default: 'roles', help: 'JWT claim holding the role(s)' }),
  roleMapping: list('--jwt-role-mapping', {
    default: [],
    help: 'IDP_ROLE=admin|user mapping (repeatable); when set only mapped values count',
  }).to(configEntries(parseRoleMapping)),
};

function jwtConfig(v: ConfigOf<typeof JWT_FLAGS>): JwtConfig | undefined {
  const { issuer, audience, jwksUri } = v;
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new ConfigError('--jwt-issuer and --jwt-audience must be given together');
  }
  if (issuer === undefined || audience === undefined) return undefined;
  return {
    issuer,
    audience,
    ...(jwksUri !== undefined ? { jwksUri } : {}),
    roleClaim: v.roleClaim,
    roleMapping: v.roleMapping,
  };
}

const tenantKeys = configEntries(parseTenantKey);

/** Auth flags (SMG §2); bad entries are startup errors. The group is the AuthConfig. */
export const AUTH_FLAGS = {
  apiKey: secretString(
    str('--api-key', {
      help: `Shared data-plane key (Authorization: Bearer); also the admin key and the engines' key when no control-plane auth is set (env ${SECRET_ENV.apiKey})`,
    }),
    '--api-key-file',
    SECRET_ENV.apiKey,
  ),
  tenantApiKeys: secretList(
    list('--tenant-api-key', {
      default: [],
      env: SECRET_ENV.tenantApiKeys,
      help: `TENANT:KEY data-plane key per tenant (repeatable; env ${SECRET_ENV.tenantApiKeys}, comma-separated)`,
    }),
    '--tenant-api-key-file',
    (entries) => {
      const keys = tenantKeys(entries);
      if (new Set(keys.map((t) => t.tenant)).size !== keys.length) {
        throw new ConfigError('--tenant-api-key: duplicate tenant');
      }
      return keys;
    },
  ),
  controlPlaneApiKeys: secretList(
    list('--control-plane-api-keys', {
      default: [],
      env: SECRET_ENV.controlPlaneApiKeys,
      help: `ID:NAME:ROLE:KEY control-plane key, ROLE admin|user (repeatable; env ${SECRET_ENV.controlPlaneApiKeys}, comma-separated)`,
    }),
    '--control-plane-api-keys-file',
    configEntries(parseControlPlaneKey),
  ),
  jwt: derive(JWT_FLAGS, jwtConfig),
  disableAuditLogging: bool('--disable-audit-logging', {
    help: 'Do not log control-plane authentication decisions',
  }),
};
