import type { ResponseSink, HeaderList, IncomingRequest } from '../../../src/server/types';
import type { EngineClient, EngineText } from '../../../src/dispatch/engine-client';
import type { EngineRequest, ExchangeHandler } from '../../../src/dispatch/exchange';
import type { Worker } from '../../../src/core/worker';

/** A ResponseSink that records what a handler wrote; `abort()` plays the client leaving. */
export class FakeSink implements ResponseSink {
  aborted = false;
  headersSent = false;
  status = 0;
  headers: Array<readonly [string, string]> = [];
  body = '';
  ended = false;
  writes = 0;
  private abortCbs: Array<() => void> = [];

  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else this.abortCbs.push(cb);
  }
  send(status: number, headers: HeaderList, body: string | Uint8Array): void {
    if (this.aborted || this.ended) return;
    this.writeHead(status, headers);
    this.body += Buffer.from(body).toString();
    this.ended = true;
  }
  writeHead(status: number, headers: HeaderList): void {
    if (this.headersSent) return;
    this.status = status;
    this.headers = [...headers];
    this.headersSent = true;
  }
  write(chunk: Uint8Array | string): boolean {
    this.writes++;
    this.body += Buffer.from(chunk).toString();
    return true;
  }
  waitDrain(): Promise<void> {
    return Promise.resolve();
  }
  end(chunk?: Uint8Array | string): void {
    if (chunk !== undefined) this.body += Buffer.from(chunk).toString();
    this.ended = true;
  }
  abort(): void {
    this.aborted = true;
    for (const cb of this.abortCbs.splice(0)) cb();
  }
  header(name: string): string | undefined {
    return this.headers.find(([k]) => k === name)?.[1];
  }
}

/** What one scripted exchange does. */
export type Script =
  | { readonly kind: 'reply'; readonly status: number; readonly body: string }
  | { readonly kind: 'stream'; readonly chunks: readonly string[]; readonly failAfter?: boolean }
  | { readonly kind: 'fail'; readonly code: string }
  | { readonly kind: 'hang' };

export const reply = (status: number, body = `{"status":${status}}`): Script => ({
  kind: 'reply',
  status,
  body,
});

const raw = (pairs: Array<[string, string]>): Buffer[] =>
  pairs.flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]);

/** Drives an ExchangeHandler as undici would, one callback per macrotask. */
export function play(script: Script, h: ExchangeHandler, onAbort?: (reason: Error) => void): void {
  let aborted: Error | undefined;
  h.onStart((reason) => {
    if (aborted) return;
    aborted = reason;
    onAbort?.(reason);
    setImmediate(() => h.onError(reason));
  });
  const later = (fn: () => void): void => {
    setImmediate(() => {
      if (!aborted) fn();
    });
  };
  switch (script.kind) {
    case 'reply':
      later(() => {
        h.onHead(
          script.status,
          raw([
            ['content-type', 'application/json'],
            ['content-length', '1'],
          ]),
          () => undefined,
        );
        later(() => {
          h.onBody(Buffer.from(script.body));
          later(() => h.onEnd());
        });
      });
      return;
    case 'stream': {
      const chunks = [...script.chunks];
      const next = (): void => {
        const c = chunks.shift();
        if (c !== undefined) {
          h.onBody(Buffer.from(c));
          later(next);
        } else if (script.failAfter)
          h.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
        else h.onEnd();
      };
      later(() => {
        h.onHead(200, raw([['content-type', 'text/event-stream']]), () => undefined);
        later(next);
      });
      return;
    }
    case 'fail':
      later(() => h.onError(Object.assign(new Error(script.code), { code: script.code })));
      return;
    case 'hang':
      return;
  }
}

/** Engine clients whose answers come from a per-worker script queue (no sockets). */
export class FakeEngines {
  readonly calls: Array<{ worker: string; req: EngineRequest; auth: string | undefined }> = [];
  /** Reasons of exchanges the gateway aborted. */
  readonly aborts: string[] = [];
  private readonly scripts = new Map<string, Script[]>();

  script(workerId: string, ...s: Script[]): this {
    this.scripts.set(workerId, [...(this.scripts.get(workerId) ?? []), ...s]);
    return this;
  }

  client(w: Worker): EngineClient {
    return {
      origin: w.url,
      exchange: (req, h, auth) => {
        this.calls.push({ worker: w.id, req, auth });
        const s = this.scripts.get(w.id)?.shift() ?? reply(200);
        play(s, h, (r) => this.aborts.push(r.message));
      },
      call: (): Promise<EngineText> => Promise.reject(new Error('not scripted')),
    };
  }
}

export function incoming(headers: Record<string, string> = {}): IncomingRequest {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    query: '',
    headers: new Map(Object.entries({ 'content-type': 'application/json', ...headers })),
    remoteAddress: '127.0.0.1',
    requestId: 'req-1',
    params: {},
  };
}
