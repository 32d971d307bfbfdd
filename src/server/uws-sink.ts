import type { HttpResponse } from './uws';
import type { HeaderList, ResponseSink } from './types';
import { STATUS_CODES } from 'node:http';
import { reasonPhrase } from '../errors/codes';
import type { AddressSource } from './incoming';

const STATUS_LINES = new Map<number, string>();

/** "200 OK": built once per status, with Node's reason phrases (any status an engine sends). */
export function statusLine(status: number): string {
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? reasonPhrase(status)}`;
    STATUS_LINES.set(status, line);
  }
  return line;
}

const NO_HEADERS: HeaderList = [];

/** The sink whose corked callback is running (see UwsSink.corked). */
let corking: UwsSink | undefined;
const corkedSend = (): void => corking?.sendNow();
const corkedHead = (): void => corking?.headNow();
const corkedWrite = (): void => corking?.writeNow();

const byteLength = (b: string | Uint8Array): number =>
  typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength;

/**
 * ResponseSink over a uWS HttpResponse. uWS objects must not be touched after abort, and
 * writes made outside a uWS callback (after an await) must be corked; both rules live here.
 */
export class UwsSink implements ResponseSink, AddressSource {
  aborted = false;
  headersSent = false;
  /** Status written (0 until then), for metrics. */
  status = 0;
  /** X-SMG-Error-Code written, if any. */
  errorCode: string | undefined;
  /** Body bytes handed to uWS (the access log's bytes out). */
  bytesOut = 0;
  /** Called once when the status line is written (the server releases its parse budget). */
  onHeadWritten: (() => void) | undefined;
  private ended = false;
  /** Abort callbacks (a request has two: its body read and its pipeline scope). */
  private abortCbs: Array<() => void> | undefined = undefined;
  private drainWaiters: Array<() => void> | undefined = undefined;
  private writableHooked = false;

  constructor(
    private readonly res: HttpResponse,
    /** Echoed as x-request-id on every response. */
    private readonly requestId: string,
    /** Headers every response of this request carries besides (CORS), if any. */
    private readonly extraHeaders: ReadonlyArray<readonly [string, string]> | undefined,
    private readonly headOnly: boolean,
  ) {
    res.onAborted(() => {
      this.aborted = true;
      this.releaseDrain();
      const cbs = this.abortCbs;
      this.abortCbs = undefined;
      if (cbs !== undefined) for (const cb of cbs) cb();
    });
  }

  get done(): boolean {
    return this.aborted || this.ended;
  }

  get live(): boolean {
    return !this.aborted && !this.ended;
  }

  readAddress(): string {
    return Buffer.from(this.res.getRemoteAddressAsText()).toString();
  }

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else if (!this.ended) (this.abortCbs ??= []).push(cb);
  }

  private head(status: number, headers: HeaderList): void {
    this.res.writeStatus(statusLine(status));
    this.res.writeHeader('x-request-id', this.requestId);
    if (this.extraHeaders) for (const [k, v] of this.extraHeaders) this.res.writeHeader(k, v);
    for (const [k, v] of headers) {
      this.res.writeHeader(k, v);
      if (k === 'x-smg-error-code') this.errorCode = v;
    }
    this.status = status;
    this.headersSent = true;
    const cb = this.onHeadWritten;
    if (cb) {
      this.onHeadWritten = undefined;
      cb();
    }
  }

  send(
    status: number,
    headers: HeaderList,
    body: string | Uint8Array,
    closeConnection = false,
  ): void {
    if (this.done) return;
    this.ended = true;
    this.abortCbs = undefined;
    this.pendingStatus = status;
    this.pendingHeaders = headers;
    this.pendingBody = body;
    this.pendingClose = closeConnection;
    this.corked(corkedSend);
    this.pendingHeaders = NO_HEADERS;
    this.pendingBody = '';
  }

  /*
   * What send / writeHead / write hand to their corked callback. The callbacks are
   * module-level functions reading the sink in `corking` (set around the synchronous cork
   * call), so no closure is allocated per response or per chunk.
   */
  private pendingStatus = 0;
  private pendingHeaders: HeaderList = NO_HEADERS;
  private pendingBody: string | Uint8Array = '';
  private pendingClose = false;
  private lastWriteOk = true;

  private corked(fn: () => void): void {
    const prev = corking;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- read by the module-level callbacks
    corking = this;
    try {
      this.res.cork(fn);
    } finally {
      corking = prev;
    }
  }

  /** The body of `corkedSend`: head, then the whole body. */
  sendNow(): void {
    const body = this.pendingBody;
    const len = byteLength(body);
    this.head(this.pendingStatus, this.pendingHeaders);
    if (this.headOnly) this.res.endWithoutBody(len, this.pendingClose);
    else {
      this.bytesOut += len;
      this.res.end(body, this.pendingClose);
    }
  }

  headNow(): void {
    this.head(this.pendingStatus, this.pendingHeaders);
  }

  writeNow(): void {
    this.lastWriteOk = this.res.write(this.pendingBody);
  }

  writeHead(status: number, headers: HeaderList): void {
    if (this.done || this.headersSent) return;
    this.pendingStatus = status;
    this.pendingHeaders = headers;
    this.corked(corkedHead);
    this.pendingHeaders = NO_HEADERS;
  }

  write(chunk: Uint8Array | string): boolean {
    if (this.done) return true;
    this.bytesOut += byteLength(chunk);
    this.pendingBody = chunk;
    this.corked(corkedWrite);
    this.pendingBody = '';
    return this.lastWriteOk;
  }

  cork(fn: () => void): void {
    // once done, every write in `fn` is a no-op and the uWS response is off-limits
    if (this.done) fn();
    else this.res.cork(fn);
  }

  waitDrain(): Promise<void> {
    if (this.done) return Promise.resolve();
    // registered on first need: most responses never back up
    if (!this.writableHooked) {
      this.writableHooked = true;
      this.res.onWritable(() => {
        this.releaseDrain();
        return true;
      });
    }
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  end(chunk?: Uint8Array | string): void {
    if (this.done) return;
    this.ended = true;
    this.abortCbs = undefined;
    this.res.cork(() => {
      if (!this.headersSent) this.head(200, []);
      if (this.headOnly) this.res.endWithoutBody();
      else {
        if (chunk !== undefined) this.bytesOut += byteLength(chunk);
        this.res.end(chunk ?? '');
      }
    });
    this.releaseDrain();
  }

  private releaseDrain(): void {
    const ws = this.drainWaiters;
    if (ws === undefined) return;
    this.drainWaiters = undefined;
    for (const w of ws) w();
  }
}
