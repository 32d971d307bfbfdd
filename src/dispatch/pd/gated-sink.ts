import type { HeaderList, ResponseSink } from '../../server/types';

type Op =
  | { readonly k: 'head'; readonly status: number; readonly headers: HeaderList }
  | { readonly k: 'write'; readonly chunk: Uint8Array | string }
  | {
      readonly k: 'send';
      readonly status: number;
      readonly headers: HeaderList;
      readonly body: string | Uint8Array;
    }
  | { readonly k: 'end'; readonly chunk?: Uint8Array | string };

/** Rewrites what the decode leg sends once the gate opened (logprob merge). */
export interface SinkTransform {
  chunk(c: Buffer): Buffer;
  /** Bytes to add before the stream ends. */
  end(): Buffer;
  answer(body: Buffer): Buffer;
}

const toBuffer = (c: Uint8Array | string): Buffer =>
  typeof c === 'string' ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c);

/**
 * The client's sink as the decode leg of a dual dispatch sees it: nothing reaches the client
 * until the prefill leg succeeded (the gate opens), so a failing prefill can still be
 * re-wrapped and retried with another pair. Until then the decode leg's head and bytes are
 * queued (an engine produces no tokens before its KV arrived, so the queue stays small) and
 * writes report no backpressure; afterwards every call goes straight through. `discard` drops
 * the queue: the attempt failed and the client never saw it.
 */
export class GatedSink implements ResponseSink {
  private queue: Op[] | undefined = [];
  private transform: SinkTransform | undefined;

  constructor(private readonly real: ResponseSink) {}

  get aborted(): boolean {
    return this.real.aborted;
  }

  get headersSent(): boolean {
    return this.queue === undefined ? this.real.headersSent : this.queue.length > 0;
  }

  /** Something was queued that a client would see (a status line). */
  get pending(): boolean {
    return this.queue !== undefined && this.queue.length > 0;
  }

  onAbort(cb: () => void): void {
    this.real.onAbort(cb);
  }

  open(transform?: SinkTransform): void {
    const q = this.queue;
    if (q === undefined) return;
    this.queue = undefined;
    this.transform = transform;
    for (const op of q) this.apply(op);
  }

  discard(): void {
    if (this.queue !== undefined) this.queue = [];
  }

  send(status: number, headers: HeaderList, body: string | Uint8Array): void {
    this.op({ k: 'send', status, headers, body });
  }

  writeHead(status: number, headers: HeaderList): void {
    this.op({ k: 'head', status, headers });
  }

  write(chunk: Uint8Array | string): boolean {
    if (this.queue !== undefined) {
      this.queue.push({ k: 'write', chunk });
      return true;
    }
    return this.real.write(this.transform ? this.transform.chunk(toBuffer(chunk)) : chunk);
  }

  waitDrain(): Promise<void> {
    return this.queue !== undefined ? Promise.resolve() : this.real.waitDrain();
  }

  end(chunk?: Uint8Array | string): void {
    this.op(chunk === undefined ? { k: 'end' } : { k: 'end', chunk });
  }

  cork(fn: () => void): void {
    if (this.queue === undefined && this.real.cork) this.real.cork(fn);
    else fn(); // still queued: nothing reaches the client yet
  }

  private op(o: Op): void {
    if (this.queue !== undefined) this.queue.push(o);
    else this.apply(o);
  }

  private apply(o: Op): void {
    const t = this.transform;
    switch (o.k) {
      case 'head':
        return this.real.writeHead(o.status, o.headers);
      case 'write':
        this.real.write(t ? t.chunk(toBuffer(o.chunk)) : o.chunk);
        return;
      case 'send': {
        const ok = o.status >= 200 && o.status < 300;
        return this.real.send(o.status, o.headers, t && ok ? t.answer(toBuffer(o.body)) : o.body);
      }
      case 'end': {
        const last = o.chunk === undefined ? undefined : t ? t.chunk(toBuffer(o.chunk)) : o.chunk;
        const tail = t?.end();
        if (tail && tail.length > 0) this.real.write(tail);
        return last === undefined ? this.real.end() : this.real.end(last);
      }
    }
  }
}
