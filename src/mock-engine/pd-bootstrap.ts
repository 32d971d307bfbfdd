import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The KV rendezvous of a mock prefill engine (SGLang's bootstrap server, or the address a
 * vLLM prefill names in kv_transfer_params): per room, pending → ready once the prefill
 * "transferred" the KV, or failed when it was aborted. Decode engines long-poll
 * `GET /kv/<room>?wait_ms=N` over HTTP: 200 ready, 410 failed, 504 not ready in time.
 */
export interface BootstrapServer {
  readonly port: number;
  /** The prefill of `room` started (a decode may already be waiting). */
  begin(room: string): void;
  /** The KV of `room` is on its way: ready after `transferMs`. */
  transferred(room: string, tokens: number, transferMs: number): void;
  fail(room: string): void;
  close(): Promise<void>;
}

interface Room {
  state: 'pending' | 'ready' | 'failed';
  tokens: number;
  waiters: Array<() => void>;
  timer?: NodeJS.Timeout;
  /** Wall ms after which an unclaimed entry is dropped. */
  expires: number;
}

const TTL_MS = 120_000;

export async function startBootstrapServer(host: string, port: number): Promise<BootstrapServer> {
  const rooms = new Map<string, Room>();
  const roomOf = (id: string): Room => {
    let r = rooms.get(id);
    if (!r) rooms.set(id, (r = { state: 'pending', tokens: 0, waiters: [], expires: 0 }));
    r.expires = Date.now() + TTL_MS;
    return r;
  };
  const settle = (r: Room): void => {
    const ws = r.waiters;
    r.waiters = [];
    for (const w of ws) w();
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, r] of rooms) if (r.expires < now && r.waiters.length === 0) rooms.delete(id);
  }, 10_000);
  sweep.unref();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/kv\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const id = decodeURIComponent(m[1] as string);
    const waitMs = Math.max(0, Number(url.searchParams.get('wait_ms') ?? '0') || 0);
    const r = roomOf(id);
    const answer = (): void => {
      if (res.writableEnded) return;
      clearTimeout(timer);
      if (r.state === 'ready') {
        rooms.delete(id);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ready: true, tokens: r.tokens }));
      } else if (r.state === 'failed') {
        res.writeHead(410, { 'content-type': 'application/json' }).end('{"ready":false}');
      } else {
        res.writeHead(504, { 'content-type': 'application/json' }).end('{"ready":false}');
      }
    };
    const timer = setTimeout(answer, waitMs);
    if (r.state !== 'pending') return answer();
    r.waiters.push(answer);
    res.on('close', () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 65_000;
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port: bound,
    begin: (room) => void roomOf(room),
    transferred(room, tokens, transferMs) {
      const r = roomOf(room);
      const done = (): void => {
        if (r.state !== 'pending') return;
        r.state = 'ready';
        r.tokens = tokens;
        settle(r);
      };
      if (transferMs <= 0) return done();
      r.timer = setTimeout(done, transferMs);
    },
    fail(room) {
      const r = roomOf(room);
      if (r.state !== 'pending') return;
      if (r.timer) clearTimeout(r.timer);
      r.state = 'failed';
      settle(r);
    },
    close() {
      clearInterval(sweep);
      for (const r of rooms.values()) if (r.timer) clearTimeout(r.timer);
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
