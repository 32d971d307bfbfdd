import type { ServerResponse } from 'node:http';

/**
 * Server-sent events on a node:http response. Every frame is written as soon as it is
 * produced; a `false` return means the socket buffer is full and the caller should
 * `await drain()` before producing more.
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  /** Sends the status line and headers right away (clients see the stream open). */
  start(): void {
    if (this.res.headersSent || this.res.destroyed) return;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** `data: <json>` frame. */
  data(json: string): boolean {
    if (this.closed) return true;
    return this.res.write(`data: ${json}\n\n`);
  }

  /** `event: <name>` + `data: <json>` frame. */
  event(name: string, json: string): boolean {
    if (this.closed) return true;
    return this.res.write(`event: ${name}\ndata: ${json}\n\n`);
  }

  /** The OpenAI/SGLang terminator `data: [DONE]`, then ends the response. */
  done(): void {
    if (this.closed) return;
    this.res.end('data: [DONE]\n\n');
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Resolves true on 'drain', false if the response closes first. */
  drain(): Promise<boolean> {
    const res = this.res;
    if (!res.writableNeedDrain) return Promise.resolve(!this.closed);
    return new Promise((resolve) => {
      const onDrain = (): void => {
        res.off('close', onClose);
        resolve(true);
      };
      const onClose = (): void => {
        res.off('drain', onDrain);
        resolve(false);
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  }
}
