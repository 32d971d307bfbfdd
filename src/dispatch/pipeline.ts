import type { ResponseSink } from '../server/types';
import type { RequestInfo } from '../policies/types';
import type { Selection, SelectOptions } from '../core/router';
import type { LoadLease } from '../core/load-tracker';
import type { Worker } from '../core/worker';
import type { Rng } from '../util/rng';
import { GatewayError } from '../errors/gateway-error';
import {
  RETRYABLE_STATUSES,
  runWithRetries,
  normalizeMaxAttempts,
  type BackoffConfig,
} from '../resilience';
import type { EngineClient } from './engine-client';
import type { BufferedReply } from './exchange';
import { forwardedHeaders } from './headers';
import type { DispatchObserver } from './observer';
import { relay, type RelayHooks, type RelayOutcome } from './relay';
import { RequestScope, sleepInScope } from './scope';
import type { Deadlines } from './deadlines';
import { stageHooks, type DispatchExchange, type DispatchResult, type StagePlan } from './stages';

/** What the pipeline needs from the rest of the process (all injectable for tests). */
export interface PipelineDeps {
  readonly select: (model: string, info: RequestInfo, opts: SelectOptions) => Selection;
  readonly acquire: (workerId: string, blocks: number) => LoadLease;
  readonly admit: (w: Worker) => (() => void) | undefined;
  readonly client: (w: Worker) => EngineClient;
  readonly observer: DispatchObserver;
  readonly retry: BackoffConfig & { readonly maxAttempts: number };
  /** One deadline for the whole exchange: all attempts, backoffs and the stream, ms. */
  readonly timeoutMs: number;
  readonly deadlines: Deadlines;
  readonly rng: Rng;
  /** Monotonic ms. */
  readonly now: () => number;
  /** Backoff wait; ends early when the scope aborts. Default: a timer. */
  readonly sleep?: (ms: number, scope: RequestScope) => Promise<void>;
  /** cache_aware: routing transparency headers carry block counts × this. */
  readonly blockSize: number;
}

/** One request's input to the pipeline (the route parsed it). */
export interface DispatchInput {
  readonly x: DispatchExchange;
  readonly info: RequestInfo;
  readonly stages: StagePlan;
  readonly sink: ResponseSink;
}

/** What the client gets if no further attempt follows. */
export type Last =
  | { readonly kind: 'none' }
  | { readonly kind: 'held'; readonly reply: BufferedReply }
  | { readonly kind: 'error'; readonly error: GatewayError };

export type Step =
  | { readonly kind: 'done'; readonly status: number }
  | { readonly kind: 'retry'; readonly value: Last; readonly workerId?: string };

const NONE: Last = { kind: 'none' };
const DONE = { kind: 'done', value: NONE } as const;

/** Routing transparency: which worker, and for cache_aware why and how much prefix matched. */
function routingHeaders(sel: Selection, blockSize: number): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [['x-collie-worker', sel.worker.id]];
  const d = sel.routing;
  if (d) {
    // "hit; source=events" when engine KV events decided; the bare reason when predicted
    out.push([
      'x-collie-route-reason',
      d.source === 'events' ? `${d.reason}; source=events` : d.reason,
    ]);
    if (d.source) out.push(['x-collie-route-source', d.source]);
    const bs = d.blockTokens ?? blockSize;
    out.push(['x-collie-prefix-match', `${d.matchedBlocks * bs}/${d.totalBlocks * bs}`]);
  }
  return out;
}

/**
 * The request pipeline (SMG §5.3.5 semantics): select → lease (load, probe slot) → attempt
 * through the worker's engine client → classify → record → retry with backoff, re-selecting
 * and avoiding workers that failed this request. One scope per request (client gone or the
 * deadline) stops backoff, retries and the upstream exchange. A retryable answer is held
 * back while attempts remain; nothing is retried once a byte reached the client. Resolves
 * when the answer was written; rejects with a GatewayError while nothing was written.
 */
export async function runPipeline(
  deps: PipelineDeps,
  input: DispatchInput,
  attemptFn: AttemptFn = attempt,
): Promise<void> {
  const { x, sink, stages } = input;
  const scope = RequestScope.forRequest(sink, deps.deadlines, x.startedMs, deps.timeoutMs);
  deps.observer.started(x);
  const p: Progress = { attempts: 0, exhausted: false, status: 0 };
  let error: GatewayError | undefined;
  try {
    for (const s of stages.beforeRouting) s.beforeRouting?.(x);
    await attempts(deps, input, scope, p, attemptFn);
  } catch (err) {
    error =
      err instanceof GatewayError
        ? err
        : new GatewayError('internal_error', 'Internal error', { cause: err });
    p.status = error.status;
    throw err;
  } finally {
    scope.dispose();
    const result: DispatchResult = { ...p, ...(error ? { error } : {}) };
    for (const s of stages.onComplete) s.onComplete?.(x, result);
    deps.observer.finished(x, result, (deps.now() - x.startedMs) / 1000);
  }
}

interface Progress {
  attempts: number;
  exhausted: boolean;
  status: number;
}

/**
 * One attempt of a request: select, exchange, classify. The regular pipeline's is `attempt`
 * below; PD dispatch (src/dispatch/pd) plugs in its two-leg attempt and keeps the retry loop,
 * the scope, the stages and the observer.
 */
export type AttemptFn = (
  deps: PipelineDeps,
  input: DispatchInput,
  scope: RequestScope,
  excluded: ReadonlySet<string>,
  isLast: boolean,
) => Promise<Step>;

async function attempts(
  deps: PipelineDeps,
  input: DispatchInput,
  scope: RequestScope,
  p: Progress,
  attemptFn: AttemptFn,
): Promise<void> {
  const max = normalizeMaxAttempts(deps.retry.maxAttempts);
  const r = await runWithRetries<Last>({
    maxAttempts: max,
    backoff: deps.retry,
    rng: deps.rng,
    signal: scope,
    sleep: (ms) => (deps.sleep ? deps.sleep(ms, scope) : sleepInScope(scope, ms)),
    onBackoff: (ms, next) => deps.observer.backoff(input.x, next, ms),
    attempt: (k, excluded) => {
      if (k > 0) deps.observer.retrying(input.x, k);
      p.attempts = k + 1;
      const isLast = k + 1 >= max;
      return attemptFn(deps, input, scope, excluded, isLast).then((step) => {
        if (step.kind === 'retry') return step;
        p.status = step.status;
        // the last attempt relayed a retryable answer: the budget is spent all the same
        p.exhausted = isLast && max > 1 && RETRYABLE_STATUSES.has(step.status);
        return DONE;
      });
    },
  });
  if (r.exhausted) {
    p.exhausted = true;
    return finishWith(input, r.value, p);
  }
  if (r.aborted && scope.reason === 'deadline') {
    throw new GatewayError('call_upstream_timeout', 'Upstream request timed out');
  }
}

/** No attempt left: send the held answer or raise the last error. */
function finishWith(input: DispatchInput, last: Last, p: Progress): void {
  if (last.kind === 'held') {
    input.sink.send(last.reply.status, last.reply.headers, last.reply.body);
    p.status = last.reply.status;
  } else if (last.kind === 'error') throw last.error;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function attempt(
  deps: PipelineDeps,
  input: DispatchInput,
  scope: RequestScope,
  excluded: ReadonlySet<string>,
  isLast: boolean,
): Promise<Step> {
  const { x } = input;
  let sel: Selection;
  try {
    sel = deps.select(x.requested, input.info, { exclude: excluded, admit: deps.admit });
  } catch (err) {
    // SMG retries its own 503
    if (err instanceof GatewayError && err.code === 'no_available_workers') {
      return Promise.resolve({ kind: 'retry', value: { kind: 'error', error: err } });
    }
    return Promise.reject(asError(err));
  }
  const { worker } = sel;
  deps.observer.selected(x, sel);
  const d = sel.routing;
  // pending prefill in the gateway's block units, whatever the decision's page size
  const uncached = d
    ? ((d.totalBlocks - d.matchedBlocks) * (d.blockTokens ?? deps.blockSize)) / deps.blockSize
    : 0;
  const lease = deps.acquire(worker.id, Math.ceil(uncached));
  const done = (): void => {
    lease();
    sel.release();
  };
  let outcome: Promise<RelayOutcome>;
  try {
    for (const s of input.stages.afterSelection) s.afterSelection?.(x, sel);
    outcome = relay({
      client: deps.client(worker),
      request: {
        method: 'POST',
        path: x.upstreamPath,
        headers: forwardedHeaders(x.req.headers, x.traceparent),
        body: x.body,
      },
      clientAuthorization: x.req.headers.get('authorization'),
      sink: input.sink,
      scope,
      stream: x.stream,
      hold: isLast ? undefined : RETRYABLE_STATUSES,
      extraHeaders: routingHeaders(sel, deps.blockSize),
      hooks: stageHooks(input.stages, x, sel, attemptHooks(deps, x, sel, lease)),
    });
  } catch (err) {
    done();
    return Promise.reject(asError(err));
  }
  return outcome.then(
    (o) => {
      done();
      return classify(deps, x, worker, o);
    },
    (err: unknown) => {
      done();
      throw err;
    },
  );
}

function attemptHooks(
  deps: PipelineDeps,
  x: DispatchExchange,
  sel: Selection,
  lease: LoadLease,
): RelayHooks {
  const { observer } = deps;
  const hooks: RelayHooks = {
    onStatus: (status) => observer.attemptEnded(x, sel.worker, status),
    onFirstByte: () => {
      lease.prefilled(); // the engine has prefilled this prompt: no longer queued work
      observer.firstByte(x, (deps.now() - x.startedMs) / 1000);
    },
  };
  const body = observer.body?.bind(observer);
  if (sel.routing || body) {
    hooks.onAnswer = (reply: BufferedReply) => {
      if (sel.routing) observer.answered(x, sel, reply.body);
      body?.(x, reply.body);
      return reply;
    };
  }
  if (body) {
    hooks.onChunk = (chunk) => {
      body(x, chunk);
      return chunk;
    };
  }
  return hooks;
}

function classify(deps: PipelineDeps, x: DispatchExchange, worker: Worker, o: RelayOutcome): Step {
  switch (o.kind) {
    case 'relayed':
      return { kind: 'done', status: o.status };
    case 'aborted':
      return { kind: 'done', status: 0 };
    case 'held':
      return { kind: 'retry', workerId: worker.id, value: { kind: 'held', reply: o.reply } };
    case 'failed':
      deps.observer.attemptEnded(x, worker, 0, o.error);
      if (!RETRYABLE_STATUSES.has(o.error.status)) throw o.error;
      return { kind: 'retry', workerId: worker.id, value: { kind: 'error', error: o.error } };
  }
}
