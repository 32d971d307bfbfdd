/**
 * An incremental HTTP/1.1 response reader for the slow-stream client: status line, headers, then
 * a chunked, Content-Length or close-delimited body. Just enough to know that a stream arrived
 * whole; not a general client (no 1xx, no trailers kept, no pipelining).
 */

export type ResponseState = 'head' | 'body' | 'done' | 'error';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** A head larger than this is not an answer from any of the proxies under test. */
const MAX_HEAD_BYTES = 64 * 1024;

type Framing =
  | { readonly kind: 'chunked' }
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'close' };

export class Http1Response {
  state: ResponseState = 'head';
  status = 0;
  error: string | undefined;
  readonly headers = new Map<string, string>();
  private readonly body: Buffer[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private framing: Framing = { kind: 'close' };
  /** chunked: bytes left in the current chunk; -1 = a size line is next; -2 = its CRLF is next. */
  private chunkLeft = -1;

  /** The decoded body so far. */
  bodyText(): string {
    return Buffer.concat(this.body).toString('utf8');
  }

  push(data: Buffer): void {
    if (this.state === 'done' || this.state === 'error') return;
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    if (this.state === 'head') this.readHead();
    if (this.state === 'body') this.readBody();
  }

  /** The peer closed the connection: ends a close-delimited body, fails anything unfinished. */
  end(): void {
    if (this.state !== 'head' && this.state !== 'body') return;
    if (this.state === 'body' && this.framing.kind === 'close') this.state = 'done';
    else this.fail('connection closed before the response ended');
  }

  private fail(message: string): void {
    this.state = 'error';
    this.error = message;
  }

  private readHead(): void {
    const end = this.pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD_BYTES) this.fail('response head too large');
      return;
    }
    const lines = this.pending.subarray(0, end).toString('latin1').split('\r\n');
    this.pending = this.pending.subarray(end + HEAD_END.length);
    const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (statusMatch === null) return this.fail(`bad status line: ${lines[0] ?? ''}`);
    this.status = Number(statusMatch[1]);
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0)
        this.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const te = this.headers.get('transfer-encoding') ?? '';
    const length = this.headers.get('content-length');
    if (/chunked/i.test(te)) this.framing = { kind: 'chunked' };
    else if (length !== undefined) this.framing = { kind: 'length', remaining: Number(length) };
    this.state = 'body';
  }

  private readBody(): void {
    const f = this.framing;
    if (f.kind === 'close') {
      this.take(this.pending.length);
      return;
    }
    if (f.kind === 'length') {
      const n = Math.min(f.remaining, this.pending.length);
      this.take(n);
      f.remaining -= n;
      if (f.remaining === 0) this.state = 'done';
      return;
    }
    this.readChunks();
  }

  private readChunks(): void {
    while (this.state === 'body' && this.pending.length > 0) {
      if (this.chunkLeft > 0) {
        const n = Math.min(this.chunkLeft, this.pending.length);
        this.take(n);
        this.chunkLeft -= n;
        if (this.chunkLeft === 0) this.chunkLeft = -2;
        continue;
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) return;
      const line = this.pending.subarray(0, eol).toString('latin1');
      this.pending = this.pending.subarray(eol + CRLF.length);
      if (this.chunkLeft === -2) {
        if (line !== '') return this.fail('chunk not followed by CRLF');
        this.chunkLeft = -1;
        continue;
      }
      const size = Number.parseInt(line, 16);
      if (!Number.isFinite(size) || size < 0) return this.fail(`bad chunk size "${line}"`);
      if (size === 0) {
        this.state = 'done'; // trailers, if any, are ignored
        return;
      }
      this.chunkLeft = size;
    }
  }

  private take(n: number): void {
    if (n > 0) this.body.push(this.pending.subarray(0, n));
    this.pending = this.pending.subarray(n);
  }
}
