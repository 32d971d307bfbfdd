/**
 * CORS as SMG configures it (§0.1). Without --cors-allowed-origins: any origin, method and
 * header, every header exposed. With a list: only those origins; methods GET, POST, PATCH,
 * DELETE, OPTIONS (SMG leaves PUT out, and so do we, for compatibility); request headers
 * content-type and authorization; x-request-id exposed. max-age 3600 in both cases.
 * Headers are added only to requests that carry an Origin (browsers always send one).
 */
export interface CorsPolicy {
  /** Headers for a response to a request from `origin`, or undefined if not allowed. */
  responseHeaders(origin: string): ReadonlyArray<readonly [string, string]> | undefined;
  /** Headers for a preflight from `origin`, or undefined if not allowed. */
  preflightHeaders(origin: string): ReadonlyArray<readonly [string, string]> | undefined;
}

export function createCorsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  if (allowedOrigins.length === 0) {
    const simple = [
      ['access-control-allow-origin', '*'],
      ['access-control-expose-headers', '*'],
    ] as const;
    const preflight = [
      ['access-control-allow-origin', '*'],
      ['access-control-allow-methods', '*'],
      ['access-control-allow-headers', '*'],
      ['access-control-max-age', '3600'],
    ] as const;
    return { responseHeaders: () => simple, preflightHeaders: () => preflight };
  }
  const allowed = new Set(allowedOrigins);
  return {
    responseHeaders(origin) {
      if (!allowed.has(origin)) return undefined;
      return [
        ['access-control-allow-origin', origin],
        ['access-control-expose-headers', 'x-request-id'],
        ['vary', 'origin'],
      ];
    },
    preflightHeaders(origin) {
      if (!allowed.has(origin)) return undefined;
      return [
        ['access-control-allow-origin', origin],
        ['access-control-allow-methods', 'GET,POST,PATCH,DELETE,OPTIONS'],
        ['access-control-allow-headers', 'content-type,authorization'],
        ['access-control-max-age', '3600'],
        ['vary', 'origin'],
      ];
    },
  };
}
