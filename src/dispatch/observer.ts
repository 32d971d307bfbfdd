import type { GatewayMetrics, RouteSeries } from '../metrics';
import type { RouterErrorType } from '../metrics/labels';
import type { OutcomeReporter } from '../core/outcome-reporter';
import type { Selection } from '../core/router';
import type { Worker } from '../core/worker';
import { GatewayError } from '../errors/gateway-error';
import { RETRYABLE_STATUSES } from '../resilience';
import type { DispatchExchange, DispatchResult } from './stages';
import type { Logger } from '../util/logger';

/**
 * Everything the pipeline reports, in one interface: metrics, circuit-breaker outcomes and
 * the routing-precision check. The pipeline calls it at fixed points and never touches a
 * metric itself.
 */
export interface DispatchObserver {
  started(x: DispatchExchange): void;
  selected(x: DispatchExchange, sel: Selection): void;
  /** An attempt got a status line (`status`) or failed in transport (`error`). */
  attemptEnded(x: DispatchExchange, worker: Worker, status: number, error?: GatewayError): void;
  firstByte(x: DispatchExchange, seconds: number): void;
  /** A buffered 2xx answer of a cache-aware decision (precision: predicted vs reported). */
  answered(x: DispatchExchange, sel: Selection, body: Buffer): void;
  /**
   * Optional: each 2xx body the client gets from the engine — every streamed chunk, or the
   * whole buffered answer (token usage, stream timing). Absent: the relay adds no hook.
   */
  body?(x: DispatchExchange, chunk: Buffer): void;
  /** Attempt `attempt` (≥ 1) is about to start: a retry. */
  retrying(x: DispatchExchange, attempt: number): void;
  /** Waiting `backoffMs` before attempt `attempt`. */
  backoff(x: DispatchExchange, attempt: number, backoffMs: number): void;
  finished(x: DispatchExchange, result: DispatchResult, seconds: number): void;
}

export interface MetricsObserverDeps {
  readonly metrics: GatewayMetrics;
  readonly outcomes: OutcomeReporter;
  readonly policy: string;
  readonly blockSize: number;
  readonly maxAttempts: number;
  /** Upstream failures are logged here with the engine's URL (clients never see it). */
  readonly logger?: Pick<Logger, 'warn'>;
}

const CACHED = Buffer.from('"cached_tokens"');

/**
 * cached_tokens an engine reported in a JSON answer (OpenAI usage.prompt_tokens_details or
 * SGLang meta_info): found by scanning the bytes, not by parsing the whole answer.
 */
export function reportedCachedTokens(body: Buffer): number | undefined {
  const at = body.indexOf(CACHED);
  if (at < 0) return undefined;
  let i = at + CACHED.length;
  while (
    i < body.length &&
    (body[i] === 0x20 || body[i] === 0x3a || body[i] === 0x0a || body[i] === 0x09)
  )
    i++;
  let end = i;
  while (end < body.length && (body[end] as number) >= 0x30 && (body[end] as number) <= 0x39) end++;
  if (end === i) return undefined;
  return Number(body.toString('latin1', i, end));
}

function errorType(err: GatewayError | undefined): RouterErrorType {
  if (err?.code === 'no_available_workers' || err?.code === 'model_not_found') return 'no_workers';
  if (err?.code === 'call_upstream_timeout') return 'timeout';
  return 'backend_error';
}

export function createMetricsObserver(d: MetricsObserverDeps): DispatchObserver {
  const { metrics } = d;
  // endpoint → model → bound series: found with two Map reads, no key string per request;
  // the last one found is kept (a request looks its series up at every hook)
  const series = new Map<string, Map<string, RouteSeries>>();
  let lastEndpoint = '';
  let lastModel = '';
  let last: RouteSeries | undefined;
  const seriesOf = (x: DispatchExchange): RouteSeries => {
    if (last !== undefined && x.endpoint === lastEndpoint && x.model === lastModel) return last;
    let byModel = series.get(x.endpoint);
    if (!byModel) series.set(x.endpoint, (byModel = new Map<string, RouteSeries>()));
    let s = byModel.get(x.model);
    if (!s)
      byModel.set(
        x.model,
        (s = metrics.routeSeries({ model: x.model, endpoint: x.endpoint }, d.policy)),
      );
    lastEndpoint = x.endpoint;
    lastModel = x.model;
    last = s;
    return s;
  };
  return {
    started(x) {
      seriesOf(x).request(x.stream);
    },
    selected(x, sel) {
      seriesOf(x).selected(sel.routing?.reason);
    },
    attemptEnded(x, worker, status, error) {
      if (error) {
        if (error.status >= 500) d.outcomes.record(worker.id, false, true); // transport failure
        d.logger?.warn(
          {
            requestId: x.req.requestId,
            worker: worker.url,
            path: x.upstreamPath,
            code: error.code,
            err: error.cause,
          },
          'upstream request failed',
        );
        return;
      }
      metrics.upstreamResponse(status);
      d.outcomes.record(worker.id, !RETRYABLE_STATUSES.has(status), worker.circuit !== 'closed');
    },
    firstByte(x, seconds) {
      seriesOf(x).ttft(seconds);
    },
    answered(x, sel, body) {
      const n = x.req.notes;
      const reported = sel.routing
        ? n
          ? n.cachedTokens // the notes observer scanned this answer's usage just before
          : reportedCachedTokens(body)
        : undefined;
      if (sel.routing && reported !== undefined) {
        const r = sel.routing;
        const bs = r.blockTokens ?? d.blockSize;
        metrics.routingPrecision(x.model, r.matchedBlocks * bs, reported, r.source);
      }
    },
    retrying(x) {
      metrics.retry(x.endpoint);
    },
    backoff(_x, attempt, backoffMs) {
      metrics.retryBackoff(attempt, backoffMs / 1000);
    },
    finished(x, result, seconds) {
      if (result.exhausted && d.maxAttempts > 1) metrics.retriesExhausted(x.endpoint);
      if (result.error) {
        metrics.routerError({
          model: x.model,
          endpoint: x.endpoint,
          errorType: errorType(result.error),
        });
      }
      const s = seriesOf(x);
      s.duration(seconds);
      const n = x.req.notes;
      if (n && (n.promptTokens !== undefined || n.completionTokens !== undefined)) {
        s.tokens(n.promptTokens ?? 0, n.completionTokens ?? 0);
        const out = n.completionTokens ?? 0;
        if (n.firstByteAt !== undefined && n.lastByteAt !== undefined && out > 1) {
          s.tpot((n.lastByteAt - n.firstByteAt) / 1000 / (out - 1));
        }
      }
    },
  };
}
