import { AuthFetchError, getText } from './http';
import { checkFetchUrl } from './url-guard';

/**
 * OIDC discovery: GET `<issuer without trailing slashes>/.well-known/openid-configuration`
 * and return its `jwks_uri`. Like SMG, the document must carry both `jwks_uri` and
 * `issuer` as strings (the latter is not compared), and both URLs pass the SSRF guard.
 * Throws an Error worded as SMG's `JwksError`.
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  guard(url);
  const text = await getText(url, {
    label: 'Failed to fetch OIDC discovery document',
    timeoutMs,
    accept: 'application/json',
  });
  const jwksUri = parseDiscovery(text);
  guard(jwksUri);
  return jwksUri;
}

function guard(url: string): void {
  const problem = checkFetchUrl(url);
  if (problem !== undefined) throw new AuthFetchError(problem);
}

function parseDiscovery(text: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AuthFetchError(`Failed to parse OIDC discovery document: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new AuthFetchError('Failed to parse OIDC discovery document: expected a JSON object');
  }
  const fields = doc as Record<string, unknown>;
  for (const name of ['jwks_uri', 'issuer']) {
    if (typeof fields[name] !== 'string') {
      throw new AuthFetchError(
        `Failed to parse OIDC discovery document: missing or non-string field \`${name}\``,
      );
    }
  }
  return fields['jwks_uri'] as string;
}
