/**
 * One HTTP exchange with an engine, as the dispatch layer sees it: callbacks in the order
 * start → head → body* → end, or error at any point. Independent of the HTTP client.
 */
export interface ExchangeHandler {
  /** The request is on its way; `abort` cancels it (onError follows with the reason). */
  onStart(abort: (reason: Error) => void): void;
  /** Final status and the raw header list (name, value, …) exactly as received. */
  onHead(status: number, rawHeaders: Buffer[], resume: () => void): void;
  /** A body chunk; return false to pause reading until `resume` (from onHead) is called. */
  onBody(chunk: Buffer): boolean;
  onEnd(): void;
  /** Transport failure or abort; raw (map it with transportError). */
  onError(err: Error): void;
}

/** What the dispatch layer sends to an engine. */
export interface EngineRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Flat name/value list, lower-case names; the engine client adds its own authorization. */
  readonly headers: string[];
  readonly body?: Buffer | string;
}

/** A whole (buffered) answer. */
export interface BufferedReply {
  status: number;
  /** Header pairs to send to the client (already filtered). */
  headers: Array<readonly [string, string]>;
  body: Buffer;
}
