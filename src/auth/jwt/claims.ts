import type { JwtConfig, Role } from '../types';

/** Clock skew allowed on `exp` and `nbf`, seconds (SMG's `leeway_secs`). */
export const LEEWAY_SECONDS = 30;

export type Claims = Readonly<Record<string, unknown>>;

/**
 * Validates registered claims in the order jsonwebtoken 9 does (required `exp`, then
 * `exp`, `nbf`, `iss`, `aud`) and returns SMG's reason text, or undefined when valid.
 *
 * Deliberate difference: jsonwebtoken lets a token with no `iss` or no `aud` through
 * when only `set_issuer` / `set_audience` are used; here both are required (fail closed).
 */
export function claimsError(
  claims: Claims,
  cfg: JwtConfig,
  nowSeconds: number,
): string | undefined {
  const { exp, nbf, iss, aud } = claims;
  if (typeof exp !== 'number') return decodeFailed('Missing required claim: exp');
  if (exp < nowSeconds - LEEWAY_SECONDS) return decodeFailed('ExpiredSignature');
  if (typeof nbf === 'number' && nbf > nowSeconds + LEEWAY_SECONDS) {
    return decodeFailed('ImmatureSignature');
  }
  if (iss === undefined) return decodeFailed('Missing required claim: iss');
  if (iss !== cfg.issuer) return decodeFailed('InvalidIssuer');
  if (aud === undefined) return decodeFailed('Missing required claim: aud');
  if (!audienceMatches(aud, cfg.audience)) return decodeFailed('InvalidAudience');
  // Then the claim struct is deserialised; wrong types fail there.
  return claimTypeError(claims);
}

export function decodeFailed(what: string): string {
  return `Failed to decode token: ${what}`;
}

/** SMG's claim struct has u64 `exp`/`nbf`/`iat` and string `sub`, `email`, …; other types fail. */
function claimTypeError(claims: Claims): string | undefined {
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const v = claims[name];
    if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && (v as number) >= 0)) {
      return decodeFailed(`JSON error: invalid type for claim \`${name}\`, expected u64`);
    }
  }
  for (const name of ['sub', 'iss', 'email', 'name', 'preferred_username', 'jti'] as const) {
    const v = claims[name];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return decodeFailed(`JSON error: invalid type for claim \`${name}\`, expected a string`);
    }
  }
  return undefined;
}

/** A string audience must equal ours; an array must contain it. */
function audienceMatches(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.includes(expected);
}

/** `sub` → `email` → `preferred_username` → `unknown`. */
export function subjectOf(claims: Claims): string {
  for (const name of ['sub', 'email', 'preferred_username']) {
    const v = claims[name];
    if (typeof v === 'string') return v;
  }
  return 'unknown';
}

// SMG reads roles from the claims it does not model explicitly (serde `flatten`), so a
// role claim named like one of these is never found.
const MODELLED = new Set([
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'email',
  'name',
  'preferred_username',
]);

const ALTERNATE_ROLE_CLAIMS = ['role', 'roles', 'groups', 'group'] as const;

function extra(claims: Claims, name: string): unknown {
  return MODELLED.has(name) || !Object.hasOwn(claims, name) ? undefined : claims[name];
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * The candidate role strings: the configured claim when present (string or array;
 * any other type, null included, yields none), else every string found under `role`,
 * `roles`, `groups`, `group`, in that order.
 */
export function roleStrings(claims: Claims, roleClaim: string): string[] {
  const v = extra(claims, roleClaim);
  if (v !== undefined) return strings(v);
  return ALTERNATE_ROLE_CLAIMS.flatMap((name) => strings(extra(claims, name)));
}

/**
 * Without mappings, the first candidate equal to `admin`/`user` (case-insensitive) wins;
 * with mappings, the first candidate that is a mapped IdP value (exact match) wins.
 * Otherwise `user`.
 */
export function roleOf(
  claims: Claims,
  cfg: Pick<JwtConfig, 'roleClaim'>,
  mapping: ReadonlyMap<string, Role>,
): Role {
  const candidates = roleStrings(claims, cfg.roleClaim);
  for (const c of candidates) {
    if (mapping.size === 0) {
      const lower = c.toLowerCase();
      if (lower === 'admin' || lower === 'user') return lower;
    } else {
      const mapped = mapping.get(c);
      if (mapped !== undefined) return mapped;
    }
  }
  return 'user';
}
