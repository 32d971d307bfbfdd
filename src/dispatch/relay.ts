import type { ResponseSink } from '../server/types';
import { GatewayError, sseErrorEvent } from '../errors/gateway-error';
import type { EngineClient } from './engine-client';
import type { BufferedReply, EngineRequest, ExchangeHandler } from './exchange';
import { responseHeaders } from './headers';
import type { AbortReason, AbortWatcher, RequestScope } from './scope';
import { transportError } from './transport-errors';

/** How one attempt ended, as a value (the pipeline classifies it; nothing calls back). */
export type RelayOutcome =
  /** The answer (any status) went to the client, whole or streamed. */
  | { readonly kind: 'relayed'; readonly status: number }
  /** A status in `hold` came back: buffered, nothing written (a retry may follow). */
  | { readonly kind: 'held'; readonly reply: BufferedReply }
  /** Nothing was written: transport failure, timeout, or a failing response hook. */
  | { readonly kind: 'failed'; readonly error: GatewayError }
  /** The client went away. */
  | { readonly kind: 'aborted' };

/** Response-path hooks of one attempt (the pipeline builds them from its stages). */
export interface RelayHooks {
  /** The engine's status line arrived. */
  onStatus?: (status: number) => void;
  /** First body byte of a streamed 2xx answer (TTFT; prefill done). */
  onFirstByte?: () => void;
  /** A streamed 2xx chunk; returns what to send (may be empty). */
  onChunk?: (chunk: Buffer) => Buffer;
  /** A streamed 2xx answer ended; returns last bytes to send before the stream closes. */
  onStreamEnd?: () => Buffer | undefined;
  /** A buffered 2xx answer before it is sent; may reshape it or throw a GatewayError. */
  onAnswer?: (reply: BufferedReply) => BufferedReply;
}

export interface RelayRequest {
  readonly client: EngineClient;
  readonly request: EngineRequest;
  readonly clientAuthorization?: string | undefined;
  readonly sink: ResponseSink;
  readonly scope: RequestScope;
  /** Relay a 2xx body as SSE while it arrives. */
  readonly stream: boolean;
  /** Statuses held back instead of relayed. */
  readonly hold?: ReadonlySet<number> | undefined;
  /** Headers added to the relayed answer (routing transparency). */
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]> | undefined;
  readonly hooks?: RelayHooks | undefined;
}

const NO_HOOKS: RelayHooks = {};

/**
 * Relays one exchange to the client. A streamed 2xx goes out as it arrives (what one
 * event-loop turn brought, in one write) with backpressure: when the client's socket is
 * backed up, reading the engine pauses until the sink drains. After SSE headers went out, a failure (or the deadline) ends the stream with
 * an error event; before that, it is an outcome the pipeline may retry.
 */
export function relay(r: RelayRequest): Promise<RelayOutcome> {
  return new Promise((resolve) => startRelay(r, { settled: resolve }));
}

/** Told once how a relayed exchange ended. */
export interface RelayListener {
  settled(o: RelayOutcome): void;
}

/** `relay` without the promise: `done.settled` is called once with the outcome. */
export function startRelay(r: RelayRequest, done: RelayListener): void {
  const h = new Relay(r, done);
  if (r.scope.aborted) return h.abortedBeforeStart();
  r.client.exchange(r.request, h, r.clientAuthorization);
}

/** A streamed relay's pending output goes to the sink in the check phase (see queueFlush). */
function runQueuedFlush(relay: Relay): void {
  relay.flushTask();
}

class Relay implements ExchangeHandler, AbortWatcher {
  private status = 0;
  private raw: readonly Buffer[] = NO_RAW;
  private streaming = false;
  private sawData = false;
  /** A buffered answer: its first chunk, and the list once a second one came. */
  private first: Buffer | undefined = undefined;
  private chunks: Buffer[] | undefined = undefined;
  private size = 0;
  private settled = false;
  /** Streamed output not yet handed to the sink: the head, then chunks (see `flush`). */
  private head: Array<readonly [string, string]> | undefined = undefined;
  private out: Array<Buffer | string> | undefined = undefined;
  private flushQueued = false;
  /** The sink reported a slow client; the next chunk pauses the engine until it drains. */
  private backedUp = false;
  private paused = false;
  private abortUpstream: ((reason: Error) => void) | undefined = undefined;
  private resume: (() => void) | undefined = undefined;
  private readonly hooks: RelayHooks;

  constructor(
    private readonly r: RelayRequest,
    private readonly done: RelayListener,
  ) {
    this.hooks = r.hooks ?? NO_HOOKS;
    r.scope.watch(this);
  }

  /** The request's scope aborted (client gone or deadline): stop the exchange. */
  scopeAborted(reason: AbortReason): void {
    this.abortUpstream?.(new Error(reason));
  }

  flushTask(): void {
    this.flushQueued = false;
    this.flush();
  }

  abortedBeforeStart(): void {
    const deadline = this.r.scope.reason === 'deadline';
    this.finish(
      deadline ? { kind: 'failed', error: this.failure(new Error('deadline')) } : ABORTED,
    );
  }

  onStart(abort: (reason: Error) => void): void {
    this.abortUpstream = abort;
    const reason = this.r.scope.reason;
    if (reason !== undefined) abort(new Error(reason));
  }

  onHead(status: number, raw: Buffer[], resume: () => void): void {
    this.status = status;
    this.raw = raw;
    this.resume = resume;
    this.hooks.onStatus?.(status);
    if (this.r.stream && status >= 200 && status < 300) {
      this.streaming = true;
      const headers = responseHeaders(raw, true);
      headers.push(['content-type', 'text/event-stream']);
      if (this.r.extraHeaders) for (const h of this.r.extraHeaders) headers.push(h);
      this.head = headers;
      this.queueFlush();
    }
  }

  onBody(chunk: Buffer): boolean {
    if (!this.streaming) {
      if (this.first === undefined) this.first = chunk;
      else (this.chunks ??= [this.first]).push(chunk);
      this.size += chunk.length;
      return true;
    }
    if (!this.sawData) {
      this.sawData = true;
      this.hooks.onFirstByte?.();
    }
    const out = this.hooks.onChunk ? this.hooks.onChunk(chunk) : chunk;
    if (out.length > 0) {
      (this.out ??= []).push(out);
      this.queueFlush();
    }
    if (!this.backedUp) return true;
    this.paused = true; // resumed when the sink drains (waitForDrain)
    return false;
  }

  /**
   * Streamed output goes to the sink once per turn of the event loop, not chunk by chunk:
   * every chunk the engine's socket delivered in this turn (and the head, when it came with
   * them) leaves in one corked write, one send to the client. A proxy that keeps up sees one
   * chunk per turn and sends as before; one that fell behind (a busy process, a burst from
   * the engine) sends what it holds at once instead of a syscall per token. No timer: the
   * write happens in the same turn's check phase (setImmediate). Not in a microtask: those
   * can run inside uWS's own dispatch of a writable event, and a write refused there was
   * never followed by another writable event (the stream stalled in one backpressure test
   * run in four; none in 24 runs of the three phases with setImmediate).
   */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(runQueuedFlush, this);
  }

  /** Hands the pending head and chunks to the sink (and ends the stream when `last`). */
  private flush(last?: Buffer): void {
    const { sink } = this.r;
    const head = this.head;
    const out = this.out;
    if (head === undefined && out === undefined && last === undefined) return;
    this.head = undefined;
    this.out = undefined;
    const write = (): void => {
      if (head !== undefined) sink.writeHead(this.status, head);
      let ok = true;
      if (out !== undefined) for (const c of out) ok = sink.write(c) && ok;
      if (last !== undefined) sink.end(last.length > 0 ? last : undefined);
      else if (!ok && !this.backedUp) this.waitForDrain();
    };
    if (sink.cork) sink.cork(write);
    else write();
  }

  private waitForDrain(): void {
    this.backedUp = true;
    void this.r.sink.waitDrain().then(() => {
      this.backedUp = false;
      if (!this.paused) return;
      this.paused = false;
      this.resume?.();
    });
  }

  onEnd(): void {
    const { sink } = this.r;
    if (this.streaming) {
      this.flush(this.hooks.onStreamEnd?.() ?? EMPTY);
      return this.finish({ kind: 'relayed', status: this.status });
    }
    const body = this.chunks ? Buffer.concat(this.chunks, this.size) : (this.first ?? EMPTY);
    let reply: BufferedReply = { status: this.status, headers: responseHeaders(this.raw), body };
    if (this.r.hold?.has(reply.status)) return this.finish({ kind: 'held', reply });
    if (this.hooks.onAnswer && reply.status >= 200 && reply.status < 300) {
      try {
        reply = this.hooks.onAnswer(reply);
      } catch (err) {
        const e =
          err instanceof GatewayError
            ? err
            : new GatewayError('internal_error', 'Internal error', { cause: err });
        return this.finish({ kind: 'failed', error: e });
      }
    }
    if (this.r.extraHeaders) for (const h of this.r.extraHeaders) reply.headers.push(h);
    sink.send(reply.status, reply.headers, reply.body);
    this.finish({ kind: 'relayed', status: reply.status });
  }

  onError(err: Error): void {
    const { sink, scope } = this.r;
    if (sink.aborted || scope.reason === 'client') return this.finish(ABORTED);
    const e = this.failure(err);
    if (!this.streaming) return this.finish({ kind: 'failed', error: e });
    const streamErr = new GatewayError(
      e.code === 'call_upstream_timeout' ? e.code : 'call_upstream_body_error',
      `Upstream stream ended abnormally: ${e.message}`,
    );
    (this.out ??= []).push(sseErrorEvent(streamErr));
    this.flush(EMPTY);
    this.finish({ kind: 'relayed', status: this.status });
  }

  private failure(err: Error): GatewayError {
    return transportError(err, this.r.scope.reason === 'deadline');
  }

  private finish(o: RelayOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.r.scope.unwatch(this);
    this.done.settled(o);
  }
}

const ABORTED: RelayOutcome = { kind: 'aborted' };
const EMPTY = Buffer.alloc(0);
const NO_RAW: readonly Buffer[] = [];
