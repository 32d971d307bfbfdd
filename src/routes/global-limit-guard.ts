import type { Handler } from '../server/types';
import type { GlobalLimiter } from '../ha/global-limit';
import { errorReply, GatewayError } from '../errors/gateway-error';

/**
 * The cluster-wide rate limit (POST /ha/rate-limit) in front of a protected handler:
 * 429 global_rate_limit_exceeded with Retry-After (whole seconds, at least 1) when exceeded.
 */
export function withGlobalLimit(limiter: GlobalLimiter, handler: Handler): Handler {
  return async (req, body, res) => {
    const d = await limiter.admit();
    if (!d.ok) {
      const retry = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
      const r = errorReply(
        new GatewayError('global_rate_limit_exceeded', 'Global rate limit exceeded', {
          headers: [['retry-after', retry]],
        }),
      );
      res.send(r.status, r.headers, r.body);
      return;
    }
    await handler(req, body, res);
  };
}
