import type { ResponseSink } from '../server/types';
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
import { forwardedHeaders } from './headers';
import type { DispatchObserver } from './observer';
import { startRelay, type RelayHooks, type RelayOutcome } from './relay';
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

const NO_EXCLUSIONS: ReadonlySet<string> = new Set();

/** A worker's transparency header alone (no decision to explain), built once per worker. */
const WORKER_ONLY = new WeakMap<Worker, ReadonlyArray<readonly [string, string]>>();

/** Routing transparency: which worker, and for cache_aware why and how much prefix matched. */
function routingHeaders(
  sel: Selection,
  blockSize: number,
): ReadonlyArray<readonly [string, string]> {
  const d = sel.routing;
  if (!d) {
    let h = WORKER_ONLY.get(sel.worker);
    if (!h) WORKER_ONLY.set(sel.worker, (h = [['x-collie-worker', sel.worker.id]]));
    return h;
  }
  const out: Array<readonly [string, string]> = [['x-collie-worker', sel.worker.id]];
  // "hit; source=events" when engine KV events decided; the bare reason when predicted
  out.push([
    'x-collie-route-reason',
    d.source === 'events' ? `${d.reason}; source=events` : d.reason,
  ]);
  if (d.source) out.push(['x-collie-route-source', d.source]);
  const bs = d.blockTokens ?? blockSize;
  out.push(['x-collie-prefix-match', `${d.matchedBlocks * bs}/${d.totalBlocks * bs}`]);
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
  const p = new Progress();
  try {
    for (const s of stages.beforeRouting) s.beforeRouting?.(x);
    // the retry loop, here rather than behind a generic helper: one async frame per request
    const max = normalizeMaxAttempts(deps.retry.maxAttempts);
    let excluded: Set<string> | undefined;
    for (let k = 0; ; k++) {
      if (k > 0) deps.observer.retrying(x, k);
      p.attempts = k + 1;
      const isLast = k + 1 >= max;
      const step = await attemptFn(deps, input, scope, excluded ?? NO_EXCLUSIONS, isLast);
      if (step.kind === 'done') {
        p.status = step.status;
        // the last attempt relayed a retryable answer: the budget is spent all the same
        p.exhausted = isLast && max > 1 && RETRYABLE_STATUSES.has(step.status);
        return;
      }
      if (step.workerId !== undefined) (excluded ??= new Set()).add(step.workerId);
      if (isLast) {
        p.exhausted = true;
        return finishWith(input, step.value, p);
      }
      if (!scope.aborted) {
        const delay = backoffMs(k, deps.retry, deps.rng);
        deps.observer.backoff(x, k + 1, delay);
        try {
          await (deps.sleep ? deps.sleep(delay, scope) : sleepInScope(scope, delay));
        } catch (err) {
          if (!scope.aborted) throw err;
        }
      }
      if (scope.aborted) {
        if (scope.reason === 'deadline') {
          throw new GatewayError('call_upstream_timeout', 'Upstream request timed out');
        }
        return; // the client left: nothing to write
      }
    }
  } catch (err) {
    const error =
      err instanceof GatewayError
        ? err
        : new GatewayError('internal_error', 'Internal error', { cause: err });
    p.error = error;
    p.status = error.status;
    throw err;
  } finally {
    scope.dispose();
    for (const s of stages.onComplete) s.onComplete?.(x, p);
    deps.observer.finished(x, p, (deps.now() - x.startedMs) / 1000);
  }
}

/** How the request went so far; handed to onComplete stages and the observer at the end. */
class Progress implements DispatchResult {
  attempts = 0;
  exhausted = false;
  status = 0;
  error?: GatewayError;
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
  return new Promise<Step>((resolve, reject) => {
    const a = new Attempt(deps, input, sel, lease, resolve, reject);
    try {
      for (const s of input.stages.afterSelection) s.afterSelection?.(x, sel);
      startRelay(
        {
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
          hooks: a,
        },
        a,
      );
    } catch (err) {
      a.release();
      reject(asError(err));
    }
  });
}

/**
 * One attempt in flight: its relay hooks (observer reports, then the route's stages) and
 * its end (lease released, outcome classified). Methods, not per-request closures.
 */
class Attempt implements RelayHooks {
  private released = false;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly input: DispatchInput,
    private readonly sel: Selection,
    private readonly lease: LoadLease,
    private readonly resolve: (s: Step) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  onStatus(status: number): void {
    this.deps.observer.attemptEnded(this.input.x, this.sel.worker, status);
  }

  onFirstByte(): void {
    this.lease.prefilled(); // the engine has prefilled this prompt: no longer queued work
    const { x } = this.input;
    this.deps.observer.firstByte(x, (this.deps.now() - x.startedMs) / 1000);
  }

  onAnswer(reply: BufferedReply): BufferedReply {
    const { observer } = this.deps;
    const { x, stages } = this.input;
    const { sel } = this;
    observer.body?.(x, reply.body); // first: the notes it fills (usage) are what `answered` reads
    if (sel.routing) observer.answered(x, sel, reply.body);
    let r = reply;
    for (const s of stages.onAnswer) r = s.onAnswer?.(x, sel, r) ?? r;
    return r;
  }

  onChunk(chunk: Buffer): Buffer {
    const { x, stages } = this.input;
    this.deps.observer.body?.(x, chunk);
    let c = chunk;
    for (const s of stages.onChunk) c = s.onChunk?.(x, this.sel, c) ?? c;
    return c;
  }

  onStreamEnd(): Buffer | undefined {
    const { x, stages } = this.input;
    let out: Buffer | undefined;
    for (const s of stages.onStreamEnd) {
      const b = s.onStreamEnd?.(x, this.sel);
      if (b !== undefined && b.length > 0) out = out ? Buffer.concat([out, b]) : b;
    }
    return out;
  }

  /** The relay's outcome (its completion callback). */
  settled(o: RelayOutcome): void {
    this.release();
    try {
      this.resolve(classify(this.deps, this.input.x, this.sel.worker, o));
    } catch (err) {
      this.reject(err);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.lease();
    this.sel.release();
  }
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
