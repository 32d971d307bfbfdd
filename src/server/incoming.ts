import type { IncomingRequest, RequestNotes } from './types';

/** Where the peer's address comes from: the live uWS response (a getpeername() each call). */
export interface AddressSource {
  /** False once the response ended or the client went away (uWS objects are off limits). */
  readonly live: boolean;
  readAddress(): string;
}

/**
 * A request as the server hands it to handlers. The client's address costs a syscall, and
 * most requests never need it (open auth without tenant limits, the access log off or
 * sampled out), so it is read on first use; `captureAddress()` reads it while the
 * connection is still there for those that will need it after the response (the access
 * log). Read after the response without a capture, it is ''.
 */
export class Incoming implements IncomingRequest {
  readonly notes: RequestNotes = {};
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
