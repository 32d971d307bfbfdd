import type { ResponseSink } from '../server/types';
import type { Logger } from '../util/logger';

/** Response headers of the event stream (no proxy buffering, never cached). */
export const SSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['content-type', 'text/event-stream; charset=utf-8'],
  ['cache-control', 'no-store'],
  ['x-accel-buffering', 'no'],
  ['x-content-type-options', 'nosniff'],
];

/** How often watchers get a snapshot, ms. */
export const TICK_MS = 1000;
/**
 * A watcher whose socket has not drained for this many ticks is cut off (it reconnects if it is
 * alive): a stalled browser tab never makes the process buffer snapshots without bound.
 */
export const MAX_STALLED_TICKS = 30;

export interface SnapshotHubOptions {
  /** The snapshot JSON (the primary's; shared by every process within a tick). */
  readonly fetch: () => Promise<string>;
  readonly logger: Pick<Logger, 'debug'>;
  readonly tickMs?: number;
}

/**
 * The ingress side of the live view: one timer per process, running only while at least one
 * watcher is connected; each tick fetches one snapshot and writes the same frame to every
 * watcher. Nobody watching: no timer, no work.
 */
export interface SnapshotHub {
  /** Streams snapshots to `res` until the client leaves or the hub closes. */
  watch(res: ResponseSink): Promise<void>;
  readonly watchers: number;
  /** True while the tick timer runs (only with watchers). */
  readonly ticking: boolean;
  /** Ends every stream (graceful shutdown) and refuses new ones. */
  close(): void;
}

interface Watcher {
  /** Ticks the socket has been backed up (0 = writable). */
  stalled: number;
  readonly done: () => void;
}

export function createSnapshotHub(o: SnapshotHubOptions): SnapshotHub {
  const tickMs = o.tickMs ?? TICK_MS;
  const watchers = new Map<ResponseSink, Watcher>();
  let timer: NodeJS.Timeout | undefined;
  let fetching = false;
  let closed = false;
  /** The last frame sent, for a watcher that joins between ticks. */
  let last: { frame: string; at: number } | undefined;

  function drop(res: ResponseSink): void {
    const w = watchers.get(res);
    if (!w) return;
    watchers.delete(res);
    w.done();
    if (watchers.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function send(res: ResponseSink, w: Watcher, frame: string): void {
    if (w.stalled > 0) {
      if (++w.stalled > MAX_STALLED_TICKS) {
        res.end();
        drop(res);
      }
      return;
    }
    if (res.write(frame)) return;
    w.stalled = 1;
    void res.waitDrain().then(() => (w.stalled = 0));
  }

  function broadcast(frame: string): void {
    last = { frame, at: performance.now() };
    for (const [res, w] of watchers) send(res, w, frame);
  }

  function tick(): void {
    if (fetching || watchers.size === 0) return;
    fetching = true;
    o.fetch()
      .then(
        (json) => broadcast(`event: snapshot\ndata: ${json}\n\n`),
        (err: unknown) => {
          o.logger.debug({ err }, 'operator console: no snapshot');
          broadcast(`event: unavailable\ndata: {"error":"snapshot unavailable"}\n\n`);
        },
      )
      .finally(() => (fetching = false));
  }

  return {
    watch(res) {
      if (closed) {
        res.send(503, [['retry-after', '1']], '');
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const w: Watcher = { stalled: 0, done: resolve };
        watchers.set(res, w);
        res.onAbort(() => drop(res));
        if (!watchers.has(res)) return; // gone before it started
        res.writeHead(200, SSE_HEADERS);
        // the browser retries a dropped stream after 2 s
        res.write('retry: 2000\n\n');
        timer ??= setInterval(tick, tickMs);
        if (last && performance.now() - last.at < tickMs) send(res, w, last.frame);
        else tick();
      });
    },
    get watchers() {
      return watchers.size;
    },
    get ticking() {
      return timer !== undefined;
    },
    close() {
      closed = true;
      for (const res of [...watchers.keys()]) {
        res.end();
        drop(res);
      }
    },
  };
}
