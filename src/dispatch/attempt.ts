import type { Selection } from '../core/router';
import type { LoadLease } from '../core/load-tracker';
import type { Worker } from '../core/worker';
import { GatewayError } from '../errors/gateway-error';
import { RETRYABLE_STATUSES } from '../resilience';
import type { EngineClient } from './engine-client';
import type { BufferedReply, EngineRequest } from './exchange';
import { forwardedHeaders } from './headers';
import type { DispatchInput, PipelineDeps, Step } from './pipeline';
import { startRelay, type RelayHooks, type RelayOutcome, type RelayRequest } from './relay';
import type { RequestScope } from './scope';
import type { DispatchExchange } from './stages';
import type { ResponseSink } from '../server/types';

/** Told how one attempt ended: a step of the retry loop, or an error to fail the request. */
export interface StepListener {
  stepped(step: Step): void;
  failed(err: unknown): void;
}

export const NO_EXCLUSIONS: ReadonlySet<string> = new Set();

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

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * The regular attempt of a request: select, exchange through the worker's engine client,
 * classify. Tells `done` once, synchronously or later, with the step or the error.
 */
export function startAttempt(
  deps: PipelineDeps,
  input: DispatchInput,
  scope: RequestScope,
  excluded: ReadonlySet<string>,
  isLast: boolean,
  done: StepListener,
): void {
  const { x } = input;
  let sel: Selection;
  try {
    sel = deps.select(x.requested, input.info, { exclude: excluded, admit: deps.admit });
  } catch (err) {
    // SMG retries its own 503
    if (err instanceof GatewayError && err.code === 'no_available_workers') {
      return done.stepped({ kind: 'retry', value: { kind: 'error', error: err } });
    }
    return done.failed(asError(err));
  }
  deps.observer.selected(x, sel);
  const d = sel.routing;
  // pending prefill in the gateway's block units, whatever the decision's page size
  const uncached = d
    ? ((d.totalBlocks - d.matchedBlocks) * (d.blockTokens ?? deps.blockSize)) / deps.blockSize
    : 0;
  const lease = deps.acquire(sel.worker.id, Math.ceil(uncached));
  let a: Attempt | undefined;
  try {
    for (const s of input.stages.afterSelection) s.afterSelection?.(x, sel);
    a = new Attempt(deps, input, sel, lease, scope, isLast, done);
    startRelay(a, a);
  } catch (err) {
    if (a) a.fail(asError(err));
    else {
      lease();
      sel.release();
      done.failed(asError(err));
    }
  }
}

/**
 * One attempt in flight. It is the relay's request (and the engine request in it), its
 * hooks (observer reports, then the route's stages) and its completion listener: one object
 * per attempt instead of five, methods instead of per-request closures.
 */
class Attempt implements RelayRequest, EngineRequest, RelayHooks {
  private released = false;
  /** `done` was told (once per attempt, whatever else a failing relay start does). */
  private reported = false;
  // RelayRequest
  readonly client: EngineClient;
  readonly request: EngineRequest = this;
  readonly clientAuthorization: string | undefined;
  readonly sink: ResponseSink;
  readonly stream: boolean;
  readonly hold: ReadonlySet<number> | undefined;
  readonly extraHeaders: ReadonlyArray<readonly [string, string]>;
  readonly hooks: RelayHooks = this;
  // EngineRequest
  readonly method = 'POST';
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | string;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly input: DispatchInput,
    private readonly sel: Selection,
    private readonly lease: LoadLease,
    readonly scope: RequestScope,
    isLast: boolean,
    private readonly done: StepListener,
  ) {
    const { x } = input;
    this.client = deps.client(sel.worker);
    this.clientAuthorization = x.req.headers.get('authorization');
    this.sink = input.sink;
    this.stream = x.stream;
    this.hold = isLast ? undefined : RETRYABLE_STATUSES;
    this.extraHeaders = routingHeaders(sel, deps.blockSize);
    this.path = x.upstreamPath;
    this.headers = forwardedHeaders(x.req.headers, x.traceparent);
    this.body = x.body;
  }

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
    if (this.reported) return;
    this.reported = true;
    let step: Step;
    try {
      step = classify(this.deps, this.input.x, this.sel.worker, o);
    } catch (err) {
      return this.done.failed(err);
    }
    this.done.stepped(step);
  }

  /** Starting the relay threw. */
  fail(err: Error): void {
    this.release();
    if (this.reported) return;
    this.reported = true;
    this.done.failed(err);
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
