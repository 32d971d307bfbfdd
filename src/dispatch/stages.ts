import type { IncomingRequest } from '../server/types';
import type { Endpoint } from '../metrics';
import type { Selection } from '../core/router';
import type { BufferedReply } from './exchange';
import type { GatewayError } from '../errors/gateway-error';

/** One routed request as the pipeline and its stages see it. */
export interface DispatchExchange {
  readonly req: IncomingRequest;
  /** The model as the client named it, and its canonical id (alias resolved). */
  readonly requested: string;
  readonly model: string;
  readonly endpoint: Endpoint;
  readonly stream: boolean;
  readonly upstreamPath: string;
  /** The request body as the route parsed it (absent where the route forwards bytes unparsed). */
  readonly json?: Readonly<Record<string, unknown>>;
  /** Bytes sent to the engine; a stage may rewrite them before routing. */
  body: Buffer | string;
  /** Monotonic ms when the pipeline started. */
  readonly startedMs: number;
  /** W3C traceparent of this request's span (set by the tracing observer); sent upstream. */
  traceparent?: string;
}

/** How a request ended, for onComplete stages and the observer. */
export interface DispatchResult {
  /** Final status written to the client (0 when the client went away first). */
  readonly status: number;
  readonly attempts: number;
  /** The retry budget ran out on a retryable answer. */
  readonly exhausted: boolean;
  readonly error?: GatewayError | undefined;
}

/**
 * Named hook points of the pipeline, in request order. WASM middleware, response parsers
 * and PD dispatch plug in here instead of adding callbacks to the route:
 *  - beforeRouting: may rewrite `x.body` or throw a GatewayError to reject (the engine is
 *    never called);
 *  - afterSelection: sees each attempt's decision (adds headers, PD pairing…);
 *  - onAnswer: a buffered 2xx answer, may reshape it (rerank) or throw;
 *  - onChunk: each streamed 2xx chunk, returns what to send;
 *  - onStreamEnd: the streamed 2xx answer ended; returns last bytes to send (flushes what an
 *    onChunk stage held back), before the stream closes;
 *  - onComplete: once, after the response ended (also on errors).
 * Stages run in array order at every point.
 */
export interface Stage {
  readonly name: string;
  beforeRouting?(x: DispatchExchange): void;
  afterSelection?(x: DispatchExchange, sel: Selection): void;
  onAnswer?(x: DispatchExchange, sel: Selection, reply: BufferedReply): BufferedReply;
  onChunk?(x: DispatchExchange, sel: Selection, chunk: Buffer): Buffer;
  onStreamEnd?(x: DispatchExchange, sel: Selection): Buffer | undefined;
  onComplete?(x: DispatchExchange, result: DispatchResult): void;
}

/** The stages of a route, pre-split by hook so the request path skips empty points. */
export interface StagePlan {
  readonly beforeRouting: readonly Stage[];
  readonly afterSelection: readonly Stage[];
  readonly onAnswer: readonly Stage[];
  readonly onChunk: readonly Stage[];
  readonly onStreamEnd: readonly Stage[];
  readonly onComplete: readonly Stage[];
}

export function planStages(stages: readonly Stage[]): StagePlan {
  return {
    beforeRouting: stages.filter((s) => s.beforeRouting !== undefined),
    afterSelection: stages.filter((s) => s.afterSelection !== undefined),
    onAnswer: stages.filter((s) => s.onAnswer !== undefined),
    onChunk: stages.filter((s) => s.onChunk !== undefined),
    onStreamEnd: stages.filter((s) => s.onStreamEnd !== undefined),
    onComplete: stages.filter((s) => s.onComplete !== undefined),
  };
}
