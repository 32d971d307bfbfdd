import type { Worker } from '../../core/worker';
import type { LoadLease } from '../../core/load-tracker';
import type { PdMetrics, PdRuntime } from '../../metrics/pd-metrics';
import type { Rng } from '../../util/rng';
import { GatewayError } from '../../errors/gateway-error';
import { RETRYABLE_STATUSES } from '../../resilience';
import { forwardedHeaders } from '../headers';
import { runPipeline, type DispatchInput, type PipelineDeps, type Step } from '../pipeline';
import { relay, type RelayOutcome } from '../relay';
import type { RequestScope } from '../scope';
import {
  batchSize,
  bodyTemplate,
  bootstrapMembers,
  hostOf,
  withMembers,
  type PdRoute,
} from './bootstrap';
import {
  legTransportError,
  rewrapLegError,
  vllmPrefillError,
  vllmTransportError,
  type Leg,
} from './errors';
import { GatedSink, type SinkTransform } from './gated-sink';
import { bufferedLeg, legScope, type LegResult } from './legs';
import { createStreamMerger, mergeAnswer, prefillLogprobs } from './logprobs';
import { selectPair, type PdPair, type PdRouters } from './pair';
import { transferParams, vllmBodies } from './vllm';

/** What PD dispatch adds to the pipeline's dependencies. */
export interface PdDeps {
  readonly routers: PdRouters;
  /** 'auto': vllm when the chosen prefill engine reported the vllm runtime. */
  readonly protocol: 'auto' | 'sglang' | 'vllm';
  /** Client gone: the decode leg is aborted once the prefill leg ended, or after this, ms. */
  readonly graceMs: number;
  readonly metrics: PdMetrics;
}

/** One PD request as the route parsed it. */
export interface PdInput extends DispatchInput {
  readonly route: PdRoute;
  /** The parsed client body. */
  readonly json: Readonly<Record<string, unknown>>;
  /** Fields replaced in both legs (the canonical model of an alias). */
  readonly overrides: Readonly<Record<string, unknown>>;
}

/** Every non-2xx status: a failing decode answer is re-wrapped, never relayed as is. */
const NON_2XX: ReadonlySet<number> = new Set(
  Array.from({ length: 500 }, (_, i) => i + 100).filter((s) => s < 200 || s >= 300),
);

interface Ctx {
  readonly deps: PipelineDeps;
  readonly pd: PdDeps;
  readonly input: PdInput;
  readonly scope: RequestScope;
  readonly isLast: boolean;
  readonly pair: PdPair;
  readonly runtime: PdRuntime;
  readonly returnLogprob: boolean;
}

/**
 * Runs a PD request: the regular pipeline (scope, stages, retries with backoff, observer)
 * with a two-leg attempt. Every attempt re-selects the pair and mints new bootstrap rooms.
 */
export function runPdPipeline(deps: PipelineDeps, pd: PdDeps, input: PdInput): Promise<void> {
  // a bad batch is the client's error: before any attempt
  const batch = batchSize(input.route, input.json);
  const tpl = bodyTemplate(input.x.body, input.json, input.overrides);
  return runPipeline(deps, input, (d, _i, scope, excluded, isLast) =>
    pdAttempt(d, pd, input, scope, excluded, isLast, { batch, tpl }),
  );
}

function returnsLogprob(input: PdInput): boolean {
  const j = input.json;
  return j['return_logprob'] === true || (input.route === 'chat' && j['logprobs'] === true);
}

function runtimeOf(pd: PdDeps, prefill: Worker): PdRuntime {
  if (pd.protocol !== 'auto') return pd.protocol;
  return prefill.runtimeType === 'vllm' ? 'vllm' : 'sglang';
}

async function pdAttempt(
  deps: PipelineDeps,
  pd: PdDeps,
  input: PdInput,
  scope: RequestScope,
  excluded: ReadonlySet<string>,
  isLast: boolean,
  prepared: { batch: number | undefined; tpl: { head: string; empty: boolean } },
): Promise<Step> {
  const { x } = input;
  let pair: PdPair;
  try {
    pair = selectPair(pd.routers, x.model, input.info, { exclude: excluded, admit: deps.admit });
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'server_selection_failed') {
      return { kind: 'retry', value: { kind: 'error', error: err } };
    }
    throw err;
  }
  deps.observer.selected(x, pair.prefill);
  deps.observer.selected(x, pair.decode);
  const d = pair.prefill.routing;
  const leases = {
    prefill: deps.acquire(pair.prefill.worker.id, d ? d.totalBlocks - d.matchedBlocks : 0),
    decode: deps.acquire(pair.decode.worker.id, 0),
  };
  const release = once(() => {
    leases.prefill();
    pair.prefill.release();
  });
  const c: Ctx = {
    deps,
    pd,
    input,
    scope,
    isLast,
    pair,
    runtime: runtimeOf(pd, pair.prefill.worker),
    returnLogprob: returnsLogprob(input),
  };
  try {
    return c.runtime === 'vllm'
      ? await sequential(c, leases.decode, release)
      : await dual(c, prepared, leases.decode, release, deps.rng);
  } finally {
    release();
    leases.decode();
    pair.decode.release();
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

function post(c: Ctx, body: string) {
  return {
    method: 'POST' as const,
    path: c.input.x.upstreamPath,
    headers: ['content-type', 'application/json', ...forwardedHeaders(c.input.x.req.headers)],
    body,
  };
}

/** Routing transparency: which engines served the two legs. */
function pairHeaders(pair: PdPair): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [
    ['x-collie-worker', pair.decode.worker.id],
    ['x-collie-prefill-worker', pair.prefill.worker.id],
    ['x-collie-decode-worker', pair.decode.worker.id],
  ];
  const r = pair.prefill.routing;
  if (r) out.push(['x-collie-route-reason', r.reason]);
  return out;
}

function secondsSince(c: Ctx, t: number): number {
  return (c.deps.now() - t) / 1000;
}

/** A leg's transport failure, re-wrapped the way the runtime's PD path does. */
function transportFailure(c: Ctx, leg: Leg, error: GatewayError): GatewayError {
  return c.runtime === 'vllm' ? vllmTransportError(leg, error) : legTransportError(leg, error);
}

/** The prefill leg's failure (or undefined when it answered 2xx), reported once. */
function prefillFailure(c: Ctx, p: LegResult): GatewayError | undefined {
  const w = c.pair.prefill.worker;
  if (p.kind === 'aborted') return undefined;
  if (p.kind === 'failed') {
    c.deps.observer.attemptEnded(c.input.x, w, 0, p.error);
    return transportFailure(c, 'prefill', p.error);
  }
  c.deps.observer.attemptEnded(c.input.x, w, p.status);
  if (p.status >= 200 && p.status < 300) return undefined;
  return c.runtime === 'vllm'
    ? vllmPrefillError(p.status, p.body)
    : rewrapLegError('prefill', p.status, p.body);
}

/** A failing leg's error as the attempt's outcome: retried when its status allows. */
function failed(c: Ctx, leg: Leg, error: GatewayError): Step {
  const worker = leg === 'prefill' ? c.pair.prefill.worker : c.pair.decode.worker;
  if (leg === 'prefill') c.pd.metrics.bootstrapFailure(c.input.x.model, c.runtime);
  else c.pd.metrics.kvTransferFailure(c.input.x.model, c.runtime);
  // a retryable failure on the last attempt becomes the answer through the retry loop's end
  if (!RETRYABLE_STATUSES.has(error.status)) throw error;
  return { kind: 'retry', workerId: worker.id, value: { kind: 'error', error } };
}

/** The decode leg's relay outcome as the attempt's step. */
function decodeStep(c: Ctx, o: RelayOutcome): Step {
  switch (o.kind) {
    case 'relayed':
      return { kind: 'done', status: o.status };
    case 'aborted':
      return { kind: 'done', status: 0 };
    case 'held':
      return failed(c, 'decode', rewrapLegError('decode', o.reply.status, o.reply.body.toString()));
    case 'failed':
      c.deps.observer.attemptEnded(c.input.x, c.pair.decode.worker, 0, o.error);
      return failed(c, 'decode', transportFailure(c, 'decode', o.error));
  }
}

interface DecodeTimes {
  /** Monotonic ms the KV hand-off is counted from (0: unknown yet). */
  from: number;
}

function decodeRelay(
  c: Ctx,
  body: string,
  sink: DispatchInput['sink'],
  scope: RequestScope,
  lease: LoadLease,
  times: DecodeTimes,
): Promise<RelayOutcome> {
  const { x } = c.input;
  const model = x.model;
  const firstByte = (): void => {
    lease.prefilled();
    const ttft = secondsSince(c, x.startedMs);
    c.deps.observer.firstByte(x, ttft);
    c.pd.metrics.ttft(model, c.runtime, ttft);
    if (times.from > 0)
      c.pd.metrics.kvTransferDuration(model, c.runtime, secondsSince(c, times.from));
  };
  return relay({
    client: c.deps.client(c.pair.decode.worker),
    request: post(c, body),
    clientAuthorization: x.req.headers.get('authorization'),
    sink,
    scope,
    stream: x.stream,
    hold: NON_2XX,
    extraHeaders: pairHeaders(c.pair),
    hooks: {
      onStatus: (status) => c.deps.observer.attemptEnded(x, c.pair.decode.worker, status),
      onFirstByte: firstByte,
      onAnswer: (reply) => {
        if (!x.stream) c.pd.metrics.ttft(model, c.runtime, secondsSince(c, x.startedMs));
        return reply;
      },
    },
  });
}

function logprobTransform(c: Ctx, prefillBody: string): SinkTransform | undefined {
  if (!c.returnLogprob) return undefined;
  const lp = prefillLogprobs(prefillBody);
  if (!lp) return undefined;
  const merger = createStreamMerger(lp);
  return {
    chunk: (b) => merger.push(b),
    end: () => merger.flush(),
    answer: (b) => mergeAnswer(b, lp),
  };
}

/**
 * SGLang: both legs at once with the same body (bootstrap fields added); the client gets the
 * decode answer once the prefill leg succeeded. A failing decode leg cancels the prefill leg
 * and vice versa (a prefill waiting on a vanished decode peer would hang until its bootstrap
 * timeout).
 */
async function dual(
  c: Ctx,
  prepared: { batch: number | undefined; tpl: { head: string; empty: boolean } },
  decodeLease: LoadLease,
  releasePrefill: () => void,
  rng: Rng,
): Promise<Step> {
  const { x } = c.input;
  const target = {
    host: hostOf(c.pair.prefill.worker.url),
    port: c.pair.prefill.worker.bootstrapPort ?? null,
  };
  const body = withMembers(prepared.tpl, bootstrapMembers(target, prepared.batch, rng).members);
  const started = c.deps.now();
  const pScope = legScope(c.scope);
  const prefillP = bufferedLeg(
    c.deps.client(c.pair.prefill.worker),
    post(c, body),
    pScope.scope,
    x.req.headers.get('authorization'),
  );
  const dScope = legScope(c.scope, { until: prefillP, graceMs: c.pd.graceMs });
  const gated = new GatedSink(c.input.sink);
  const times: DecodeTimes = { from: 0 };
  let prefillError: GatewayError | undefined;
  void prefillP.then((p) => {
    releasePrefill();
    prefillError = prefillFailure(c, p);
    if (p.kind === 'answer' && !prefillError) {
      times.from = c.deps.now();
      c.pd.metrics.prefillDuration(x.model, c.runtime, (times.from - started) / 1000);
      gated.open(logprobTransform(c, p.body));
    } else {
      gated.discard();
      dScope.scope.abort('client');
    }
  });
  const decodeP = decodeRelay(c, body, gated, dScope.scope, decodeLease, times);
  void decodeP.then((o) => {
    if (o.kind === 'held' || o.kind === 'failed') pScope.scope.abort('client');
  });
  try {
    const [p, o] = await Promise.all([prefillP, decodeP]);
    if (o.kind === 'held' || o.kind === 'failed') return decodeStep(c, o);
    if (prefillError) return failed(c, 'prefill', prefillError);
    if (p.kind === 'aborted') return { kind: 'done', status: 0 };
    return decodeStep(c, o);
  } finally {
    pScope.dispose();
    dScope.dispose();
  }
}

/**
 * vLLM: the prefill leg first (one token, a remote decode requested), then the decode leg
 * with the kv_transfer_params the prefill answered, relayed to the client. An `n` > 1 fan-out
 * skips the prefill leg (SMG: a hand-off has one consumer).
 */
async function sequential(
  c: Ctx,
  decodeLease: LoadLease,
  releasePrefill: () => void,
): Promise<Step> {
  // vLLM serves no SGLang-native /generate
  if (c.input.route === 'generate') {
    throw new GatewayError('pd_route_not_implemented', 'Generate endpoint not implemented');
  }
  const bodies = vllmBodies(c.input.json, c.input.overrides, c.input.route === 'chat');
  let params: unknown;
  if (bodies.prefill === undefined) {
    releasePrefill();
  } else {
    const r = await vllmPrefill(c, bodies.prefill, releasePrefill);
    if (r.kind === 'step') return r.step;
    params = r.params;
  }
  const times: DecodeTimes = { from: bodies.prefill === undefined ? 0 : c.deps.now() };
  const o = await decodeRelay(c, bodies.decode(params), c.input.sink, c.scope, decodeLease, times);
  return decodeStep(c, o);
}

/** vLLM's prefill leg: the kv_transfer_params it answered, or the attempt's end. */
async function vllmPrefill(
  c: Ctx,
  body: string,
  releasePrefill: () => void,
): Promise<{ kind: 'params'; params: unknown } | { kind: 'step'; step: Step }> {
  const { x } = c.input;
  const started = c.deps.now();
  const pScope = legScope(c.scope);
  let p: LegResult;
  try {
    p = await bufferedLeg(
      c.deps.client(c.pair.prefill.worker),
      post(c, body),
      pScope.scope,
      x.req.headers.get('authorization'),
    );
  } finally {
    pScope.dispose();
    releasePrefill();
  }
  const error = prefillFailure(c, p);
  if (error) return { kind: 'step', step: failed(c, 'prefill', error) };
  if (p.kind !== 'answer') return { kind: 'step', step: { kind: 'done', status: 0 } };
  c.pd.metrics.prefillDuration(x.model, c.runtime, secondsSince(c, started));
  // no kv_transfer_params (a prefill engine without a KV connector): as SMG, counted, and the
  // decode leg goes out without them — the decode engine computes the prompt itself
  const params = transferParams(p.body);
  if (params === undefined) c.pd.metrics.kvTransferFailure(x.model, c.runtime);
  return { kind: 'params', params };
}
