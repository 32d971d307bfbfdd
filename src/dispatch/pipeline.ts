import type { ResponseSink, Completion } from '../server/types';
import type { RequestInfo } from '../policies/types';
import type { Selection, SelectOptions } from '../core/router';
import type { LoadLease } from '../core/load-tracker';
import type { Worker } from '../core/worker';
import type { Rng } from '../util/rng';
import { GatewayError } from '../errors/gateway-error';
import {
  RETRYABLE_STATUSES,
  backoffMs,
  normalizeMaxAttempts,
  type BackoffConfig,
} from '../resilience';
import type { EngineClient } from './engine-client';
import type { BufferedReply } from './exchange';
import type { DispatchObserver } from './observer';
import { NO_EXCLUSIONS, startAttempt, type StepListener } from './attempt';
import { RequestScope, sleepInScope } from './scope';
import type { Deadlines } from './deadlines';
import type { DispatchExchange, DispatchResult, StagePlan } from './stages';

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

/**
 * One attempt of a request: select, exchange, classify. The regular pipeline's is
 * `startAttempt` (attempt.ts); PD dispatch (src/dispatch/pd) plugs in its two-leg attempt
 * and keeps the retry loop, the scope, the stages and the observer.
 */
export type AttemptFn = (
  deps: PipelineDeps,
  input: DispatchInput,
  scope: RequestScope,
  excluded: ReadonlySet<string>,
  isLast: boolean,
) => Promise<Step>;

/**
 * The request pipeline (SMG §5.3.5 semantics): select → lease (load, probe slot) → attempt
 * through the worker's engine client → classify → record → retry with backoff, re-selecting
 * and avoiding workers that failed this request. One scope per request (client gone or the
 * deadline) stops backoff, retries and the upstream exchange. A retryable answer is held
 * back while attempts remain; nothing is retried once a byte reached the client. Resolves
 * when the answer was written; rejects with a GatewayError while nothing was written.
 */
export function runPipeline(
  deps: PipelineDeps,
  input: DispatchInput,
  attemptFn?: AttemptFn,
): Promise<void> {
  return new Promise((resolve, reject) =>
    startPipeline(deps, input, attemptFn).then(resolve, reject),
  );
}

/**
 * `runPipeline` without promises: the run is its own completion (`then` takes the end and
 * the failure), and the regular attempt reports back by method call. A request then costs
 * no promise and no microtask between the engine's answer and the end of the request.
 */
export function startPipeline(
  deps: PipelineDeps,
  input: DispatchInput,
  attemptFn?: AttemptFn,
): Completion {
  const run = new Run(deps, input, attemptFn);
  run.start();
  return run;
}

const PENDING = 0;
const SUCCEEDED = 1;
const FAILED = 2;

/** One request through the pipeline: the retry loop as a state machine, and its result. */
class Run implements StepListener, DispatchResult, Completion {
  // DispatchResult, handed to onComplete stages and the observer at the end
  attempts = 0;
  exhausted = false;
  status = 0;
  error: GatewayError | undefined = undefined;

  private readonly scope: RequestScope;
  private max = 1;
  private k = 0;
  private excluded: Set<string> | undefined = undefined;
  private state = PENDING;
  private failure: unknown = undefined;
  private onDone: (() => void) | undefined = undefined;
  private onError: ((err: unknown) => void) | undefined = undefined;
  private more: Array<readonly [() => void, (err: unknown) => void]> | undefined = undefined;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly input: DispatchInput,
    private readonly attemptFn: AttemptFn | undefined,
  ) {
    const { x, sink } = input;
    this.scope = RequestScope.forRequest(sink, deps.deadlines, x.startedMs, deps.timeoutMs);
  }

  start(): void {
    const { x, stages } = this.input;
    this.deps.observer.started(x);
    try {
      for (const s of stages.beforeRouting) s.beforeRouting?.(x);
      this.max = normalizeMaxAttempts(this.deps.retry.maxAttempts);
      this.next();
    } catch (err) {
      this.failed(err);
    }
  }

  /** Starts attempt `k`. */
  private next(): void {
    const { deps, input, k } = this;
    if (k > 0) deps.observer.retrying(input.x, k);
    this.attempts = k + 1;
    const isLast = k + 1 >= this.max;
    const excluded = this.excluded ?? NO_EXCLUSIONS;
    if (this.attemptFn === undefined) {
      startAttempt(deps, input, this.scope, excluded, isLast, this);
      return;
    }
    this.attemptFn(deps, input, this.scope, excluded, isLast).then(
      (step) => this.stepped(step),
      (err: unknown) => this.failed(err),
    );
  }

  stepped(step: Step): void {
    if (this.state !== PENDING) return;
    const isLast = this.k + 1 >= this.max;
    try {
      if (step.kind === 'done') {
        this.status = step.status;
        // the last attempt relayed a retryable answer: the budget is spent all the same
        this.exhausted = isLast && this.max > 1 && RETRYABLE_STATUSES.has(step.status);
        return this.end(SUCCEEDED);
      }
      if (step.workerId !== undefined) (this.excluded ??= new Set()).add(step.workerId);
      if (isLast) {
        this.exhausted = true;
        this.finishWith(step.value);
        return this.end(SUCCEEDED);
      }
      if (this.scope.aborted) return this.afterBackoff();
      const delay = backoffMs(this.k, this.deps.retry, this.deps.rng);
      this.deps.observer.backoff(this.input.x, this.k + 1, delay);
      const { sleep } = this.deps;
      (sleep ? sleep(delay, this.scope) : sleepInScope(this.scope, delay)).then(
        () => this.afterBackoff(),
        (err: unknown) => (this.scope.aborted ? this.afterBackoff() : this.failed(err)),
      );
    } catch (err) {
      this.failed(err);
    }
  }

  private afterBackoff(): void {
    if (this.scope.aborted) {
      if (this.scope.reason === 'deadline') {
        return this.failed(new GatewayError('call_upstream_timeout', 'Upstream request timed out'));
      }
      return this.end(SUCCEEDED); // the client left: nothing to write
    }
    this.k++;
    try {
      this.next();
    } catch (err) {
      this.failed(err);
    }
  }

  /** No attempt left: send the held answer or raise the last error. */
  private finishWith(last: Last): void {
    if (last.kind === 'held') {
      this.input.sink.send(last.reply.status, last.reply.headers, last.reply.body);
      this.status = last.reply.status;
    } else if (last.kind === 'error') throw last.error;
  }

  failed(err: unknown): void {
    if (this.state !== PENDING) return;
    const error =
      err instanceof GatewayError
        ? err
        : new GatewayError('internal_error', 'Internal error', { cause: err });
    this.error = error;
    this.status = error.status;
    this.failure = err;
    this.end(FAILED);
  }

  /** The request is over: scope disposed, onComplete stages and the observer told, then `then`. */
  private end(state: typeof SUCCEEDED | typeof FAILED): void {
    this.state = state;
    const { x, stages } = this.input;
    try {
      this.scope.dispose();
      for (const s of stages.onComplete) s.onComplete?.(x, this);
      this.deps.observer.finished(x, this, (this.deps.now() - x.startedMs) / 1000);
    } catch (err) {
      this.state = FAILED;
      this.failure = err;
    }
    const ok = this.onDone;
    const fail = this.onError;
    this.onDone = this.onError = undefined;
    if (ok !== undefined && fail !== undefined) this.notify(ok, fail);
    const more = this.more;
    this.more = undefined;
    if (more) for (const [d, e] of more) this.notify(d, e);
  }

  private notify(onDone: () => void, onError: (err: unknown) => void): void {
    if (this.state === SUCCEEDED) onDone();
    else onError(this.failure);
  }

  then(onDone: () => void, onError: (err: unknown) => void): void {
    if (this.state !== PENDING) return this.notify(onDone, onError);
    if (this.onDone === undefined) {
      this.onDone = onDone;
      this.onError = onError;
    } else (this.more ??= []).push([onDone, onError]);
  }
}
