/**
 * A test-local OpenAI-compatible engine whose streamed /v1/chat/completions answer never ends:
 * it writes raw model text (markers and all) as SSE content deltas, one `piece(n)` per event,
 * for as long as the client stays, and it honours socket backpressure (it writes the next event
 * only after the socket took the last one, waiting for 'drain'). Its counters show how far a
 * reader that stopped reading let it get: `accepted` bytes taken by the socket, and whether it
 * is waiting for 'drain' now (since when).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FloodEngine {
  readonly url: string;
  /** Bytes of SSE the current stream's socket accepted. */
  readonly accepted: number;
  /** When the current stream started waiting for 'drain' (ms since epoch); undefined if not. */
  readonly blockedSince: number | undefined;
  /** Streams still open. */
  readonly open: number;
  /** Streams started. */
  readonly started: number;
  close(): Promise<void>;
}

export type PieceFn = (n: number) => string;

interface Counters {
  accepted: number;
  blockedSince: number | undefined;
  open: number;
  started: number;
}

function flood(res: ServerResponse, model: string, piece: PieceFn, c: Counters): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = `{"id":"chatcmpl-flood","object":"chat.completion.chunk","created":1,"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":`;
  let n = 0;
  let closed = false;
  c.open++;
  c.started++;
  c.accepted = 0;
  res.on('close', () => {
    closed = true;
    c.open--;
    c.blockedSince = undefined;
  });
  const pump = (): void => {
    c.blockedSince = undefined;
    while (!closed) {
      const event = `data: ${base}${JSON.stringify(piece(n++))}},"finish_reason":null}]}\n\n`;
      const more = res.write(event);
      c.accepted += event.length;
      if (!more) {
        c.blockedSince = Date.now();
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

export async function startFloodEngine(model: string, piece: PieceFn): Promise<FloodEngine> {
  const c: Counters = { accepted: 0, blockedSince: undefined, open: 0, started: 0 };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return void res.end('OK');
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ object: 'list', data: [{ id: model, object: 'model' }] }),
      );
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404);
      return void res.end();
    }
    req.resume();
    req.on('end', () => flood(res, model, piece, c));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return c.accepted;
    },
    get blockedSince() {
      return c.blockedSince;
    },
    get open() {
      return c.open;
    },
    get started() {
      return c.started;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
