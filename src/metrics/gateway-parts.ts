/**
 * The pieces of the GatewayMetrics facade, one per group of families. Series the request
 * path records into are bound per label values on first use (bound.ts), so a request
 * allocates no label objects.
 */
import type { Families } from './families';
import type { GatewayMetrics, RouteKey } from './gateway-metrics';
import { boundCounter, boundHistogram, BoundCache } from './bound';
import type { KvEventMetrics } from '../kv-events/manager';
import {
  BACKEND_TYPE,
  CB_OUTCOMES,
  CB_STATES,
  CONNECTION_MODE,
  ROUTER_TYPE,
  WORKER_TYPE,
  methodLabel,
  type CbState,
  type Endpoint,
} from './labels';
const CB_STATE_VALUE: Readonly<Record<CbState, number>> = { closed: 0, open: 1, half_open: 2 };

type Part<K extends keyof GatewayMetrics> = Pick<GatewayMetrics, K>;

/** Series bound per label values on first use; the per-request path allocates no labels. */
export function httpPart(
  f: Families,
  buckets: readonly number[],
): Part<'httpRequest' | 'connectionsActive' | 'rateLimit' | 'queueDepth'> {
  // path → method, and path → status → error code
  const byRoute = new BoundCache(
    (path: string) =>
      new BoundCache((method: string) => {
        const labels = { method, path };
        return {
          req: boundCounter(f.httpRequests, labels),
          dur: boundHistogram(f.httpDuration, labels, buckets),
        };
      }),
  );
  const byStatus = new BoundCache(
    (path: string) =>
      new BoundCache(
        (status: number) =>
          new BoundCache((error_code: string) =>
            boundCounter(f.httpResponses, { path, status_code: String(status), error_code }),
          ),
      ),
  );
  // the last series used, kept: consecutive requests mostly hit the same route and status
  let lastPath = '';
  let lastMethod = '';
  let lastRoute: { req: () => void; dur: (v: number) => void } | undefined;
  let lastStatusPath = '';
  let lastStatus = 0;
  let lastCode = '';
  let lastResponse: (() => void) | undefined;
  return {
    httpRequest(method, path, status, errorCode, seconds) {
      let r = lastRoute;
      if (r === undefined || path !== lastPath || method !== lastMethod) {
        r = lastRoute = byRoute.get(path).get(methodLabel(method));
        lastPath = path;
        lastMethod = method;
      }
      r.req();
      r.dur(seconds);
      const code = errorCode ?? '';
      let res = lastResponse;
      if (
        res === undefined ||
        status !== lastStatus ||
        path !== lastStatusPath ||
        code !== lastCode
      ) {
        res = lastResponse = byStatus.get(path).get(status).get(code);
        lastStatusPath = path;
        lastStatus = status;
        lastCode = code;
      }
      res();
    },
    connectionsActive: (delta) => f.connectionsActive.inc(delta),
    rateLimit: (result) => f.rateLimit.inc({ result }),
    queueDepth: (n) => f.queueDepth.set(n),
  };
}

function routerLabels({ model, endpoint }: RouteKey) {
  return {
    router_type: ROUTER_TYPE,
    backend_type: BACKEND_TYPE,
    connection_mode: CONNECTION_MODE,
    model,
    endpoint,
  };
}

function inferenceLabels({ model, endpoint }: RouteKey) {
  return { router_type: ROUTER_TYPE, backend_type: BACKEND_TYPE, model, endpoint };
}

interface RouteBound {
  readonly streaming: () => void;
  readonly plain: () => void;
  readonly duration: (v: number) => void;
  readonly ttft: (v: number) => void;
  readonly tpot: (v: number) => void;
  readonly inputTokens: (n: number) => void;
  readonly outputTokens: (n: number) => void;
}

export function routerPart(
  f: Families,
  buckets: readonly number[],
): Part<
  | 'routerRequest'
  | 'routerDuration'
  | 'routerError'
  | 'upstreamResponse'
  | 'ttft'
  | 'generationDuration'
> & { bound(key: RouteKey): RouteBound } {
  const route = new BoundCache(
    (model: string) =>
      new BoundCache((endpoint: Endpoint): RouteBound => {
        const key = { model, endpoint };
        const labels = routerLabels(key);
        const inference = inferenceLabels(key);
        return {
          streaming: boundCounter(f.routerRequests, { ...labels, streaming: 'true' }),
          plain: boundCounter(f.routerRequests, { ...labels, streaming: 'false' }),
          duration: boundHistogram(f.routerDuration, labels, buckets),
          ttft: boundHistogram(f.ttft, inference, buckets),
          tpot: boundHistogram(f.tpot, inference, buckets),
          inputTokens: boundCounter(f.tokens, { ...inference, token_type: 'input' }),
          outputTokens: boundCounter(f.tokens, { ...inference, token_type: 'output' }),
        };
      }),
  );
  const upstream = new BoundCache(
    (status: number) =>
      new BoundCache((error_code: string) =>
        boundCounter(f.upstreamResponses, {
          router_type: ROUTER_TYPE,
          status_code: String(status),
          error_code,
        }),
      ),
  );
  return {
    bound: (key) => route.get(key.model).get(key.endpoint),
    routerRequest: (key) => {
      const r = route.get(key.model).get(key.endpoint);
      if (key.streaming) r.streaming();
      else r.plain();
    },
    routerDuration: (key, seconds) => route.get(key.model).get(key.endpoint).duration(seconds),
    routerError: (key) => f.routerErrors.inc({ ...routerLabels(key), error_type: key.errorType }),
    upstreamResponse: (status, errorCode) => upstream.get(status).get(errorCode ?? '')(),
    ttft: (key, seconds) => route.get(key.model).get(key.endpoint).ttft(seconds),
    generationDuration: (key, seconds) =>
      f.generationDuration.observe(inferenceLabels(key), seconds),
  };
}

export function workerPart(
  f: Families,
): Part<
  | 'workerPoolSize'
  | 'workerRequestsActive'
  | 'workerHealth'
  | 'healthCheck'
  | 'workerSelection'
  | 'routeDecision'
  | 'routingPrecision'
  | 'workerError'
  | 'retry'
  | 'retriesExhausted'
  | 'retryBackoff'
> {
  const selection = new BoundCache(
    (model: string) =>
      new BoundCache((policy: string) =>
        boundCounter(f.selection, {
          worker_type: WORKER_TYPE,
          connection_mode: CONNECTION_MODE,
          model,
          policy,
        }),
      ),
  );
  const decision = new BoundCache(
    (model: string) =>
      new BoundCache((reason: string) => boundCounter(f.routeDecisions, { model, reason })),
  );
  return {
    workerPoolSize: (model, n) =>
      f.poolSize.set({ worker_type: WORKER_TYPE, connection_mode: CONNECTION_MODE, model }, n),
    workerRequestsActive: (worker, n) => f.requestsActive.set({ worker }, n),
    workerHealth: (worker, healthy) => f.health.set({ worker }, healthy ? 1 : 0),
    healthCheck: (result) => f.healthChecks.inc({ worker_type: WORKER_TYPE, result }),
    workerSelection: ({ model, policy }) => selection.get(model).get(policy)(),
    routeDecision: (model, reason) => decision.get(model).get(reason)(),
    routingPrecision: (model, predicted, reported, source = 'prediction') => {
      f.predictedCached.inc({ model, source }, predicted);
      f.reportedCached.inc({ model, source }, reported);
      f.confirmedCached.inc({ model, source }, Math.min(predicted, reported));
    },
    workerError: (errorType) =>
      f.workerErrors.inc({
        worker_type: WORKER_TYPE,
        connection_mode: CONNECTION_MODE,
        error_type: errorType,
      }),
    retry: (endpoint) => f.retries.inc({ worker_type: WORKER_TYPE, endpoint }),
    retriesExhausted: (endpoint) => f.retriesExhausted.inc({ worker_type: WORKER_TYPE, endpoint }),
    retryBackoff: (attempt, seconds) =>
      f.retryBackoff.observe({ attempt: String(Math.max(1, Math.trunc(attempt))) }, seconds),
  };
}

export function breakerPart(
  f: Families,
): Part<'cbState' | 'cbTransition' | 'cbOutcome' | 'cbConsecutive' | 'removeWorker'> {
  return {
    cbState: (worker, state) => f.cbState.set({ worker }, CB_STATE_VALUE[state]),
    cbTransition: (worker, from, to) => f.cbTransitions.inc({ worker, from, to }),
    cbOutcome: (worker, outcome, n = 1) => f.cbOutcomes.inc({ worker, outcome }, n),
    cbConsecutive(worker, failures, successes) {
      f.cbFailures.set({ worker }, failures);
      f.cbSuccesses.set({ worker }, successes);
    },
    removeWorker(worker) {
      // prom-client removes exact label sets only, so enumerate the closed label values.
      for (const g of [
        f.requestsActive,
        f.health,
        f.cbState,
        f.cbFailures,
        f.cbSuccesses,
        f.kvLive,
        f.kvBlocks,
      ]) {
        g.remove({ worker });
      }
      for (const outcome of CB_OUTCOMES) f.cbOutcomes.remove({ worker, outcome });
      for (const from of CB_STATES) {
        for (const to of CB_STATES) f.cbTransitions.remove({ worker, from, to });
      }
    },
  };
}

export function kvEventsPart(f: Families): KvEventMetrics {
  // incident() runs per request for every prediction-routed request (worker "request")
  const incidents = new BoundCache(
    (worker: string) =>
      new BoundCache((kind: string) => boundCounter(f.kvIncidents, { worker, kind })),
  );
  return {
    incident: (worker, kind) => incidents.get(worker).get(kind)(),
    lag: (s) => f.kvLag.observe(s),
    live: (worker, ok) => f.kvLive.set({ worker }, ok ? 1 : 0),
    blocks: (worker, n) => f.kvBlocks.set({ worker }, n),
  };
}
