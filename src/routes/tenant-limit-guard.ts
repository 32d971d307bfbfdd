import type { Handler, IncomingRequest } from '../server/types';
import type { Stage } from '../dispatch';
import type { TenantLimiter } from '../ha/tenant-limits';
import { errorReply, GatewayError } from '../errors/gateway-error';

/** What a response told about its token use so far. */
interface Usage {
  tokens: number | undefined;
  events: number;
}

const usageOf = new WeakMap<IncomingRequest, Usage>();
const TOTAL = /"total_tokens"\s*:\s*(\d+)/g;

function lastTotal(text: string): number | undefined {
  let n: number | undefined;
  for (const m of text.matchAll(TOTAL)) n = Number(m[1]);
  return n;
}

/**
 * Reads the engine's usage (`total_tokens`) from buffered answers and stream chunks of the
 * requests a tenant budget admitted, and counts stream events for the estimate used when the
 * client leaves before any usage arrived.
 */
export function tenantUsageStage(): Stage {
  return {
    name: 'tenant-usage',
    onAnswer(x, _sel, reply) {
      const u = usageOf.get(x.req);
      if (u) u.tokens = lastTotal(reply.body.toString('latin1')) ?? u.tokens;
      return reply;
    },
    onChunk(x, _sel, chunk) {
      const u = usageOf.get(x.req);
      if (u) {
        const text = chunk.toString('latin1');
        u.events += text.split('data:').length - 1;
        u.tokens = lastTotal(text) ?? u.tokens;
      }
      return chunk;
    },
  };
}

function modelOf(raw: Buffer): string {
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    const m = typeof v === 'object' && v !== null ? (v as { model?: unknown }).model : undefined;
    return typeof m === 'string' ? m : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The tenant's per-minute budget in front of a protected handler: 429
 * tenant_rate_limit_exceeded with Retry-After when spent. When the response ends (or the
 * client left), the tokens it used are settled: the engine's reported total, else — for a
 * stream cut short — prompt bytes / 4 plus one token per stream event.
 */
export function withTenantLimit(limiter: TenantLimiter, tenant: string, handler: Handler): Handler {
  return async (req, body, res) => {
    const d = await limiter.admit(tenant, modelOf(body));
    if (d.kind === 'unlimited') return handler(req, body, res);
    if (d.kind === 'rejected') {
      const r = errorReply(
        new GatewayError(
          'tenant_rate_limit_exceeded',
          'Tenant rate limit exceeded for this request',
          {
            headers: [['retry-after', String(d.retryAfterSec)]],
          },
        ),
      );
      res.send(r.status, r.headers, r.body);
      return;
    }
    const usage: Usage = { tokens: undefined, events: 0 };
    usageOf.set(req, usage);
    try {
      await handler(req, body, res);
    } finally {
      const estimate = usage.events > 0 ? Math.ceil(body.length / 4) + usage.events : 0;
      d.settle(usage.tokens ?? estimate);
    }
  };
}
