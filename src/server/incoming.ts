import type { IncomingRequest, RequestNotes } from './types';

/** Where the peer's address comes from: the live uWS response (a getpeername() each call). */
export interface AddressSource {
  /** False once the response ended or the client went away (uWS objects are off limits). */
  readonly live: boolean;
  readAddress(): string;
}

/**
 * A request's notes with every field present from the start: one object shape for every
 * request, whichever fields get filled and in what order (the hooks that read them on
 * every request stay monomorphic).
 */
class Notes implements RequestNotes {
  model: string | undefined = undefined;
  worker: string | undefined = undefined;
  reason: string | undefined = undefined;
  attempts: number | undefined = undefined;
  ttftMs: number | undefined = undefined;
  firstByteAt: number | undefined = undefined;
  lastByteAt: number | undefined = undefined;
  streamTail: Buffer[] | undefined = undefined;
  promptTokens: number | undefined = undefined;
  completionTokens: number | undefined = undefined;
  cachedTokens: number | undefined = undefined;
}

/**
 * A request as the server hands it to handlers. The client's address costs a syscall, and
 * most requests never need it (open auth without tenant limits, the access log off or
 * sampled out), so it is read on first use; `captureAddress()` reads it while the
 * connection is still there for those that will need it after the response (the access
 * log). Read after the response without a capture, it is ''.
 */
export class Incoming implements IncomingRequest {
  readonly notes: RequestNotes = new Notes();
  private address: string | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly query: string,
    readonly headers: ReadonlyMap<string, string>,
    readonly requestId: string,
    readonly params: Readonly<Record<string, string>>,
    private readonly source: AddressSource,
  ) {}

  get remoteAddress(): string {
    if (this.address === undefined) {
      this.address = this.source.live ? this.source.readAddress() : '';
    }
    return this.address;
  }

  captureAddress(): void {
    void this.remoteAddress;
  }
}
