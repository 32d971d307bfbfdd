import type { CryptoKey, JWK } from 'jose';
import type { JwtConfig, Role } from '../types';
import { type Claims, claimsError, decodeFailed, roleOf, subjectOf } from './claims';
import { discoverJwksUri } from './discovery';
import { AuthFetchError } from './http';
import { createKeySource, type Jose, KeyError, type KeySource } from './jwks';
import { checkFetchUrl } from './url-guard';

export type JwtResult =
  | { ok: true; subject: string; issuer: string; role: Role; name?: string }
  | { ok: false; reason: string };

export interface JwtVerifier {
  /** Never rejects; `reason` is the text after `Invalid JWT: `. */
  verify(token: string): Promise<JwtResult>;
}

/** Algorithms a token may claim (jsonwebtoken's `Algorithm` enum). */
const KNOWN_ALGS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'ES256',
  'ES384',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);

/** Algorithms SMG verifies with (RS256/384/512, ES256/384). */
const SUPPORTED_KEY_ALGS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384']);

/**
 * Builds the validator. With `jwksUri` nothing is fetched yet (only the URL is checked);
 * otherwise OIDC discovery runs now. Throws (an Error with SMG's wording) when that
 * fails, so the caller can fall back.
 */
export async function createJwtVerifier(
  cfg: JwtConfig,
  opts: { timeoutMs: number; now: () => number },
): Promise<JwtVerifier> {
  const jose: Jose = await import('jose');
  const jwksUri = cfg.jwksUri ?? (await discoverJwksUri(cfg.issuer, opts.timeoutMs));
  const problem = checkFetchUrl(jwksUri);
  if (problem !== undefined) throw new AuthFetchError(problem);
  const keys = createKeySource(jose, jwksUri, opts.timeoutMs);
  const mapping = new Map(cfg.roleMapping.map((m) => [m.idp, m.role] as const));
  const ctx: VerifyContext = {
    jose,
    cfg,
    keys,
    mapping,
    importKey: keyImporter(jose),
    now: opts.now,
  };
  return { verify: (token) => verify(ctx, token) };
}

/** Bound on distinct imported keys kept; the cache is simply dropped when it is reached. */
const MAX_IMPORTED_KEYS = 64;

/**
 * Imports a JWK once per distinct content: jose hands out a fresh copy of the set on
 * every `jwks()` call, so object identity cannot be the cache key.
 */
function keyImporter(jose: Jose): VerifyContext['importKey'] {
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  return (jwk, alg) => {
    const id = `${alg} ${JSON.stringify(jwk)}`;
    let p = imported.get(id);
    if (p === undefined) {
      if (imported.size >= MAX_IMPORTED_KEYS) imported.clear();
      p = jose.importJWK(jwk, alg);
      imported.set(id, p);
    }
    return p;
  };
}

interface VerifyContext {
  jose: Jose;
  cfg: JwtConfig;
  keys: KeySource;
  mapping: ReadonlyMap<string, Role>;
  importKey(jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array>;
  now(): number;
}

const fail = (reason: string): JwtResult => ({ ok: false, reason });

/** SMG's order: header → kid → key by kid → key algorithm → signature → claims → role. */
async function verify(ctx: VerifyContext, token: string): Promise<JwtResult> {
  const header = readHeader(ctx.jose, token);
  if (typeof header === 'string') return fail(header);
  let jwk: JWK;
  try {
    jwk = await ctx.keys.keyFor(header.kid);
  } catch (err) {
    return fail(
      err instanceof KeyError ? err.message : `Failed to get signing key: ${String(err)}`,
    );
  }
  const algOrError = keyAlgorithm(jwk);
  if (!algOrError.ok) return fail(algOrError.reason);
  const keyAlg = algOrError.alg;
  if (header.alg !== keyAlg) {
    return fail(`Algorithm mismatch: token uses ${header.alg} but key requires ${keyAlg}`);
  }
  const payload = await verifySignature(ctx, token, jwk, keyAlg);
  if (typeof payload === 'string') return fail(payload);
  const problem = claimsError(payload, ctx.cfg, Math.floor(ctx.now() / 1000));
  if (problem !== undefined) return fail(problem);
  const name = payload['name'];
  return {
    ok: true,
    subject: subjectOf(payload),
    issuer: ctx.cfg.issuer,
    role: roleOf(payload, ctx.cfg, ctx.mapping),
    ...(typeof name === 'string' ? { name } : {}),
  };
}

/** The protected header's `alg` and `kid`, or a failure reason. */
function readHeader(jose: Jose, token: string): { alg: string; kid: string } | string {
  // decode_header needs header.payload.signature; anything else is not a JWT.
  if (token.split('.').length !== 3) return decodeFailed('InvalidToken');
  let header: Record<string, unknown>;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch {
    return decodeFailed('InvalidToken');
  }
  const { alg, kid } = header;
  if (typeof alg !== 'string') return decodeFailed('JSON error: missing field `alg`');
  if (!KNOWN_ALGS.has(alg)) return decodeFailed(`JSON error: unknown variant \`${alg}\``);
  if (kid === undefined || kid === null) return "Token header missing 'kid' claim";
  if (typeof kid !== 'string') return decodeFailed('JSON error: invalid type for `kid`');
  return { alg, kid };
}

/**
 * The algorithm a JWK must be used with: its `alg`, else RS256 for RSA and ES256/ES384
 * by curve for EC; or why SMG cannot use the key.
 */
export function keyAlgorithm(jwk: JWK): { ok: true; alg: string } | { ok: false; reason: string } {
  const unusable = (why: string) => ({
    ok: false as const,
    reason: `Token validation failed: ${why}`,
  });
  if (typeof jwk.alg === 'string') {
    return SUPPORTED_KEY_ALGS.has(jwk.alg)
      ? { ok: true, alg: jwk.alg }
      : unusable(`Unsupported key algorithm: ${jwk.alg}`);
  }
  if (jwk.kty === 'RSA') return { ok: true, alg: 'RS256' };
  if (jwk.kty === 'EC') {
    if (jwk.crv === 'P-256') return { ok: true, alg: 'ES256' };
    if (jwk.crv === 'P-384') return { ok: true, alg: 'ES384' };
    return unusable(`Unsupported EC curve: ${String(jwk.crv)}`);
  }
  return unusable('Cannot determine algorithm from key');
}

/** The verified payload as a claims object, or a failure reason. */
async function verifySignature(
  ctx: VerifyContext,
  token: string,
  jwk: JWK,
  alg: string,
): Promise<Claims | string> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await ctx.importKey(jwk, alg);
  } catch {
    return decodeFailed('InvalidKeyFormat');
  }
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await ctx.jose.compactVerify(token, key, { algorithms: [alg] }));
  } catch (err) {
    return decodeFailed(joseFailure(err));
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    return decodeFailed(`JSON error: ${(err as Error).message}`);
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return decodeFailed('JSON error: invalid type, expected struct StandardClaims');
  }
  return claims as Claims;
}

/** jsonwebtoken's error kind for a jose verification error. */
function joseFailure(err: unknown): string {
  switch ((err as { code?: unknown } | null)?.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'InvalidSignature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'InvalidAlgorithm';
    case 'ERR_JWS_INVALID':
      return 'InvalidToken';
    default:
      return err instanceof TypeError ? 'InvalidKeyFormat' : 'InvalidToken';
  }
}
