/** The server-library-independent view of a request that route handlers receive. */
export interface IncomingRequest {
  /** Upper-case method. */
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly remoteAddress: string;
  /** The request id (client-supplied or generated), echoed as x-request-id. */
  readonly requestId: string;
  /** `:name` segments of a pattern route. */
  readonly params: Readonly<Record<string, string>>;
  /** What the dispatch observer learnt about this request, for the access log and metrics. */
  readonly notes?: RequestNotes;
}

/**
 * Per-request facts the dispatch pipeline reports (through its observer) for the access
 * log: filled while the request runs, read once when it ended. Times are monotonic ms.
 */
export interface RequestNotes {
  model?: string | undefined;
  /** URL of the worker of the last attempt. */
  worker?: string | undefined;
  /** cache_aware decision reason of the last attempt. */
  reason?: string | undefined;
  attempts?: number | undefined;
  ttftMs?: number | undefined;
  /** Monotonic ms of the first and the last streamed byte from the engine. */
  firstByteAt?: number | undefined;
  lastByteAt?: number | undefined;
  /**
   * The notes observer's own: the last chunks of a streamed answer, read for usage once the
   * stream ended (usage comes last, or is repeated cumulatively), not on every chunk.
   */
  streamTail?: Buffer[] | undefined;
  /** Token counts from the engine's usage (or SGLang meta_info), when it reported them. */
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  cachedTokens?: number | undefined;
}

export type HeaderList = Iterable<readonly [string, string]>;

/**
 * Where a handler writes its response. Only src/server implements it (the only code that
 * touches uWS objects). Every method is a no-op once the client has gone away.
 */
export interface ResponseSink {
  readonly aborted: boolean;
  /** True once a status line has been written (a later error must go in-band). */
  readonly headersSent: boolean;
  /** Runs once when the client disconnects before the response ended. */
  onAbort(cb: () => void): void;
  /** A complete response. */
  send(status: number, headers: HeaderList, body: string | Uint8Array): void;
  /** Starts a streamed response. */
  writeHead(status: number, headers: HeaderList): void;
  /** Writes a chunk; false means the client is slow: wait for `waitDrain()` before more. */
  write(chunk: Uint8Array | string): boolean;
  /** Resolves when buffered output has drained (or the client went away). */
  waitDrain(): Promise<void>;
  end(chunk?: Uint8Array | string): void;
  /**
   * Runs `fn` with this response's output held back, sent in one piece when `fn` returns
   * (several writes, one send). Optional: a sink without it sends each write as it comes.
   */
  cork?(fn: () => void): void;
}

/**
 * The end of a handler's work without a promise (the dispatch pipeline's run): `then` calls
 * `onDone` or `onError` once, at once if it is over already. `await` accepts it too.
 */
export interface Completion {
  then(onDone: () => void, onError: (err: unknown) => void): void;
}

/** A route handler. The body has been read (and size-limited) before it runs. */
export type Handler = (
  req: IncomingRequest,
  body: Buffer,
  res: ResponseSink,
) => Promise<void> | Completion | void;
