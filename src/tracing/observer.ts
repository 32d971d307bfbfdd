import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { DispatchObserver } from '../dispatch/observer';
import type { DispatchExchange } from '../dispatch/stages';

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<ReadonlyMap<string, string>> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key),
};

/**
 * One span per dispatched request (kind SERVER, child of the client's `traceparent` when it
 * sent one), carrying the routing decision as attributes; its context goes upstream as the
 * W3C `traceparent` (the pipeline reads `x.traceparent`), so engine spans join the trace.
 */
export function createTracingObserver(tracer: Tracer, policy: string): DispatchObserver {
  const spans = new WeakMap<DispatchExchange, Span>();
  const span = (x: DispatchExchange): Span | undefined => spans.get(x);
  return {
    started(x) {
      const parent = propagator.extract(ROOT_CONTEXT, x.req.headers, headerGetter);
      const s = tracer.startSpan(
        `${x.req.method} ${x.req.path}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': x.req.method,
            'url.path': x.req.path,
            'client.address': x.req.remoteAddress,
            'gen_ai.request.model': x.requested,
            'collie.model': x.model,
            'collie.endpoint': x.endpoint,
            'collie.stream': x.stream,
            'collie.request_id': x.req.requestId,
            'collie.policy': policy,
          },
        },
        parent,
      );
      spans.set(x, s);
      const c = s.spanContext();
      x.traceparent = `00-${c.traceId}-${c.spanId}-${c.traceFlags & 1 ? '01' : '00'}`;
    },
    selected(x, sel) {
      const s = span(x);
      if (!s) return;
      s.setAttribute('collie.worker', sel.worker.url);
      s.setAttribute('collie.route_reason', sel.routing?.reason ?? 'policy');
      if (sel.routing) {
        s.setAttribute('collie.matched_blocks', sel.routing.matchedBlocks);
        s.setAttribute('collie.total_blocks', sel.routing.totalBlocks);
      }
    },
    attemptEnded(x, worker, status, error) {
      span(x)?.addEvent('attempt_ended', {
        'collie.worker': worker.url,
        'http.response.status_code': status,
        ...(error ? { 'error.type': error.code } : {}),
      });
    },
    firstByte(x, seconds) {
      span(x)?.setAttribute('collie.ttft_seconds', seconds);
    },
    answered() {},
    retrying(x, attempt) {
      span(x)?.addEvent('retry', { 'collie.attempt': attempt });
    },
    backoff(x, attempt, backoffMs) {
      span(x)?.addEvent('backoff', { 'collie.attempt': attempt, 'collie.backoff_ms': backoffMs });
    },
    finished(x, result) {
      const s = span(x);
      if (!s) return;
      s.setAttribute('http.response.status_code', result.status);
      s.setAttribute('collie.attempts', result.attempts);
      if (result.error || result.status >= 500 || result.status === 0) {
        s.setStatus({
          code: SpanStatusCode.ERROR,
          ...(result.error ? { message: result.error.code } : {}),
        });
        if (result.error) s.setAttribute('error.type', result.error.code);
      }
      s.end();
      spans.delete(x);
    },
  };
}
