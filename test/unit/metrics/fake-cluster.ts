import { EventEmitter } from 'node:events';
import type { ClusterPeer, IpcEndpoint } from '../../../src/metrics';

/** Messages cross a real IPC channel as JSON; do the same so nothing is shared by reference. */
const wire = (m: unknown): unknown => JSON.parse(JSON.stringify(m)) as unknown;

/** One in-process stand-in for a node:cluster worker: both ends of its IPC channel. */
export class FakeWorker implements ClusterPeer {
  connected = true;
  readonly received: unknown[] = [];
  private readonly listeners = new Set<(m: unknown) => void>();

  constructor(
    readonly id: number,
    private readonly cluster: FakeCluster,
  ) {}

  isConnected(): boolean {
    return this.connected;
  }

  /** primary → ingress */
  send(msg: unknown, _h: undefined, _o: undefined, cb: (err: Error | null) => void): boolean {
    if (!this.connected) {
      setImmediate(cb, new Error('channel closed'));
      return false;
    }
    const copy = wire(msg);
    this.received.push(copy);
    setImmediate(() => {
      for (const l of this.listeners) l(copy);
      cb(null);
    });
    return true;
  }

  /** The ingress process's end (what `process` is in a real worker). */
  readonly channel: IpcEndpoint = {
    send: (msg) => {
      const copy = wire(msg);
      setImmediate(() => {
        if (this.connected) this.cluster.emit('message', this, copy);
      });
    },
    on: (_event, fn) => this.listeners.add(fn),
    off: (_event, fn) => this.listeners.delete(fn),
  };

  exit(): void {
    this.connected = false;
    delete this.cluster.workers[String(this.id)];
    this.cluster.emit('disconnect', this);
    this.cluster.emit('exit', this);
  }
}

export class FakeCluster extends EventEmitter {
  readonly workers: Record<string, FakeWorker> = {};
  private nextId = 1;

  fork(): FakeWorker {
    const w = new FakeWorker(this.nextId++, this);
    this.workers[String(w.id)] = w;
    return w;
  }
}

/** Lets queued setImmediate callbacks (the fake IPC) run. */
export async function drain(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
