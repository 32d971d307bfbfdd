import type { Reply } from '../errors/gateway-error';

// Every builder returns a fresh object: callers append headers (x-request-id, CORS).

const TEXT: readonly [string, string] = ['content-type', 'text/plain; charset=utf-8'];
const CHALLENGE: readonly [string, string] = ['www-authenticate', 'Bearer realm="control-plane"'];

export const MISSING_HEADER = 'Missing or invalid Authorization header';
export const INVALID_TOKEN = 'Invalid authentication token';
export const ADMIN_REQUIRED = 'Admin role required for control plane access';

/** Data-plane, shared-key and deny-all rejection: 401, empty body, no challenge. */
export function emptyUnauthorized(): Reply {
  return { status: 401, headers: [], body: '' };
}

/** Control-plane 401: plain text with `WWW-Authenticate: Bearer realm="control-plane"`. */
export function controlPlaneUnauthorized(message: string): Reply {
  return { status: 401, headers: [TEXT, CHALLENGE], body: message };
}

/** Control-plane 401 for a JWT-shaped token that failed validation. */
export function invalidJwt(reason: string): Reply {
  return controlPlaneUnauthorized(`Invalid JWT: ${reason}`);
}

/** Authenticated, but not an admin: 403 plain text, no challenge. */
export function adminRequired(): Reply {
  return { status: 403, headers: [TEXT], body: ADMIN_REQUIRED };
}
