import type { JWK } from 'jose';
import {
  AuthFetchError,
  MAX_RESPONSE_BYTES,
  readLimited,
  statusText,
  transportReason,
} from './http';

/** jose is ESM-only; it is loaded with a dynamic import so CommonJS callers need no flag. */
export type Jose = typeof import('jose');

/** JWKS cache lifetime (SMG's `jwks_cache_ttl_secs`, 3600 s). */
export const JWKS_CACHE_MS = 3_600_000;

/** A key lookup failure, worded as SMG's `JwtValidatorError::KeyError`. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

export interface KeySource {
  /**
   * The first JWK whose `kid` equals `kid`. Fetches the set when the cache is empty or
   * older than an hour, and once more on a miss (at most every 30 s, jose's cooldown).
   * Throws KeyError when the set cannot be fetched or parsed, or has no such key.
   */
  keyFor(kid: string): Promise<JWK>;
}

/**
 * JWKS over jose's `createRemoteJWKSet` (caching, de-duplicated concurrent reloads,
 * timeout) with a fetch that refuses redirects, non-2xx answers and bodies over 1 MiB.
 */
export function createKeySource(jose: Jose, jwksUri: string, timeoutMs: number): KeySource {
  const remote = jose.createRemoteJWKSet(new URL(jwksUri), {
    cacheMaxAge: JWKS_CACHE_MS,
    timeoutDuration: timeoutMs,
    [jose.customFetch]: jwksFetch,
  });

  const find = (kid: string): JWK | undefined => remote.jwks()?.keys.find((k) => k.kid === kid);

  const reload = async (): Promise<void> => {
    try {
      await remote.reload();
    } catch (err) {
      throw new KeyError(`Failed to get signing key: ${jwksReason(err)}`);
    }
  };

  return {
    async keyFor(kid) {
      if (!remote.fresh) await reload();
      let jwk = find(kid);
      if (jwk === undefined && !remote.coolingDown) {
        await reload();
        jwk = find(kid);
      }
      if (jwk === undefined) {
        throw new KeyError(`Failed to get signing key: Key not found for kid: ${kid}`);
      }
      return jwk;
    },
  };
}

/** jose's fetch hook: same request, SMG's acceptance rules. */
async function jwksFetch(
  url: string,
  init: { headers: Headers; method: 'GET'; redirect: 'manual'; signal: AbortSignal },
): Promise<Response> {
  // Transport errors propagate untouched: jose turns a TimeoutError into JWKSTimeout.
  const res = await fetch(url, init);
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel().catch(() => undefined);
    throw new AuthFetchError(`Failed to fetch JWKS: ${statusText(res.status)}`);
  }
  const text = await readLimited(res, MAX_RESPONSE_BYTES);
  // Any 2xx is accepted (reqwest `is_success`); jose insists on exactly 200.
  return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** SMG's `JwksError` text for whatever the remote set threw. */
function jwksReason(err: unknown): string {
  if (err instanceof AuthFetchError) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWKS_TIMEOUT') return 'Failed to fetch JWKS: request timed out';
  if (code === 'ERR_JWKS_INVALID') return 'Failed to parse JWKS: JSON Web Key Set malformed';
  if (err instanceof Error && err.message.startsWith('Failed to parse the JSON Web Key Set')) {
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    return `Failed to parse JWKS: ${cause}`;
  }
  return `Failed to fetch JWKS: ${transportReason(err)}`;
}
