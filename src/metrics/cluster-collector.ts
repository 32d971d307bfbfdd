import { isMetricsMessage, type MetricsMessage } from './cluster-messages';

/** The part of a node:cluster Worker the collector uses. */
export interface ClusterPeer {
  readonly id: number;
  isConnected(): boolean;
  send(
    msg: MetricsMessage,
    handle: undefined,
    options: undefined,
    cb: (err: Error | null) => void,
  ): unknown;
}

/** The part of node:cluster (in the primary) the collector uses. */
export interface ClusterLike {
  readonly workers?: NodeJS.Dict<ClusterPeer> | undefined;
  on(event: 'message', fn: (worker: ClusterPeer, msg: unknown) => void): unknown;
  on(event: 'exit' | 'disconnect', fn: (worker: ClusterPeer) => void): unknown;
  off(event: 'message', fn: (worker: ClusterPeer, msg: unknown) => void): unknown;
  off(event: 'exit' | 'disconnect', fn: (worker: ClusterPeer) => void): unknown;
}

export interface ClusterCollector {
  /**
   * The registries (prom-client JSON) of every announced ingress process, in ascending
   * cluster worker id. A process that exits or disconnects mid-scrape is left out (its
   * series are gone for good). A process that reports an error or does not answer within
   * the timeout fails the whole scrape: a partial sum would look like a counter reset to
   * Prometheus and inflate every rate().
   */
  collect(): Promise<unknown[][]>;
  close(): void;
}

interface Pending {
  readonly waiting: Set<number>;
  readonly results: Map<number, unknown[]>;
  readonly resolve: (r: unknown[][]) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const ignoreSendError = (): void => undefined;

/** The scrapes in flight: which processes each still waits for, and what came back. */
function createScrapeBook(timeoutMs: number) {
  const pending = new Map<number, Pending>();
  let nextId = 0;

  function settle(id: number, p: Pending, err?: Error): void {
    clearTimeout(p.timer);
    pending.delete(id);
    if (err) return p.reject(err);
    p.resolve([...p.results.keys()].sort((a, b) => a - b).map((k) => p.results.get(k) ?? []));
  }

  return {
    /** Registers a scrape waiting for `peerIds`; `send(id)` then asks them. */
    start(peerIds: readonly number[], send: (id: number) => void): Promise<unknown[][]> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const waiting = new Set(peerIds);
        const timer = setTimeout(() => {
          const p = pending.get(id);
          const late = [...waiting].join(', ');
          if (p) settle(id, p, new Error(`ingress ${late} sent no metrics within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { waiting, results: new Map(), resolve, reject, timer });
        send(id);
      });
    },
    deliver(workerId: number, id: number, metrics: unknown[]): void {
      const p = pending.get(id);
      if (!p?.waiting.delete(workerId)) return;
      p.results.set(workerId, metrics);
      if (p.waiting.size === 0) settle(id, p);
    },
    fail(workerId: number, id: number, message: string): void {
      const p = pending.get(id);
      if (p?.waiting.has(workerId)) {
        settle(id, p, new Error(`ingress ${workerId} failed to collect: ${message}`));
      }
    },
    /** The process is gone: stop waiting for it. */
    drop(workerId: number): void {
      for (const [id, p] of pending) {
        if (p.waiting.delete(workerId) && p.waiting.size === 0) settle(id, p);
      }
    },
    closeAll(): void {
      for (const [id, p] of pending) settle(id, p, new Error('metrics collector closed'));
    },
  };
}

/**
 * The primary side of metrics aggregation. Only ingress processes that said hello (their
 * reporter is installed) are asked, so a process still starting up never stalls a scrape.
 */
export function createClusterCollector(cluster: ClusterLike, timeoutMs: number): ClusterCollector {
  const announced = new Set<number>();
  const book = createScrapeBook(timeoutMs);
  const peers = (): ClusterPeer[] =>
    Object.values(cluster.workers ?? {}).filter(
      (w): w is ClusterPeer => w !== undefined && w.isConnected(),
    );

  const onMessage = (worker: ClusterPeer, raw: unknown): void => {
    if (!isMetricsMessage(raw)) return;
    switch (raw.tag) {
      case 'collie:metrics-hello':
        announced.add(worker.id);
        return;
      case 'collie:metrics-res':
        return book.deliver(worker.id, raw.id, raw.metrics);
      case 'collie:metrics-err':
        return book.fail(worker.id, raw.id, raw.message);
      case 'collie:metrics-req':
      case 'collie:metrics-roll-call':
        return;
    }
  };
  const onGone = (worker: ClusterPeer): void => {
    announced.delete(worker.id);
    book.drop(worker.id);
  };

  cluster.on('message', onMessage);
  cluster.on('exit', onGone);
  cluster.on('disconnect', onGone);
  for (const w of peers()) {
    w.send({ tag: 'collie:metrics-roll-call' }, undefined, undefined, ignoreSendError);
  }

  return {
    collect() {
      const targets = peers().filter((w) => announced.has(w.id));
      if (targets.length === 0) return Promise.resolve([]);
      return book.start(
        targets.map((w) => w.id),
        (id) => {
          // A failed send means the process is going away: 'disconnect'/'exit' drop it.
          for (const w of targets) {
            w.send({ tag: 'collie:metrics-req', id }, undefined, undefined, ignoreSendError);
          }
        },
      );
    },
    close() {
      cluster.off('message', onMessage);
      cluster.off('exit', onGone);
      cluster.off('disconnect', onGone);
      book.closeAll();
    },
  };
}
