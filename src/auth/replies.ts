import { errorReply, GatewayError, type Reply } from '../errors/gateway-error';

// Every builder returns a fresh object (errorReply's contract): callers append headers
// (x-request-id, CORS).

export const MISSING_HEADER = 'Missing or invalid Authorization header';
export const INVALID_TOKEN = 'Invalid authentication token';
export const ADMIN_REQUIRED = 'Admin role required for control plane access';

/** Data-plane, shared-key and deny-all rejection: 401, empty body, no challenge. */
export function emptyUnauthorized(): Reply {
  return errorReply(new GatewayError('unauthorized', ''));
}

/** Control-plane 401 without a usable Bearer token (text + `WWW-Authenticate` challenge). */
export function missingAuthorization(): Reply {
  return errorReply(new GatewayError('missing_authorization', MISSING_HEADER));
}

/** Control-plane 401: no JWT or API key matched (text + challenge). */
export function invalidToken(): Reply {
  return errorReply(new GatewayError('invalid_token', INVALID_TOKEN));
}

/**
 * Control-plane 401 with one of the two messages above. Kept for callers written before the
 * precise builders; prefer missingAuthorization() / invalidToken().
 */
export function controlPlaneUnauthorized(
  message: typeof MISSING_HEADER | typeof INVALID_TOKEN,
): Reply {
  return message === MISSING_HEADER ? missingAuthorization() : invalidToken();
}

/** Control-plane 401 for a JWT-shaped token that failed validation. */
export function invalidJwt(reason: string): Reply {
  return errorReply(new GatewayError('invalid_jwt', `Invalid JWT: ${reason}`));
}

/** Authenticated, but not an admin: 403 plain text, no challenge. */
export function adminRequired(): Reply {
  return errorReply(new GatewayError('admin_required', ADMIN_REQUIRED));
}
