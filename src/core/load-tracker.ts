import type { StateBus, StateMessage } from '../state/bus';
import type { LoadView } from '../policies/types';

/**
 * Cluster-wide in-flight requests per worker: this process's live counts plus every other
 * process's last report. Own changes are published in batches every `publishIntervalMs`
 * (stale by one interval); reports of a process that goes away are dropped with it.
 */
export interface LoadTracker extends Required<LoadView> {
  /**
   * Counts one request on `workerId`, carrying `blocks` of predicted prefill work (kept per
   * process, see pendingBlocks); the returned release is idempotent.
   */
  acquire(workerId: string, blocks?: number): () => void;
  /** This process's own live count. */
  local(workerId: string): number;
  /** Called with the new cluster-wide value whenever a worker's load changes. */
  onChange(listener: (workerId: string, load: number) => void): void;
  /** Forgets a worker entirely (it left the registry). */
  forget(workerId: string): void;
  close(): void;
}

export function createLoadTracker(opts: {
  bus: StateBus;
  publishIntervalMs?: number;
}): LoadTracker {
  const { bus } = opts;
  const interval = opts.publishIntervalMs ?? 5;
  const own = new Map<string, number>();
  const peers = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  const pending = new Map<string, number>();
  let engine = new Map<string, number>();
  const dirty = new Set<string>();
  const listeners: Array<(id: string, load: number) => void> = [];
  let timer: NodeJS.Timeout | undefined;

  function bump(id: string, delta: number): void {
    if (delta === 0) return;
    const v = (total.get(id) ?? 0) + delta;
    if (v === 0) total.delete(id);
    else total.set(id, v);
    for (const l of listeners) l(id, v);
  }

  function flush(): void {
    timer = undefined;
    if (dirty.size === 0) return;
    const entries: Array<[string, number]> = [];
    for (const id of dirty) entries.push([id, own.get(id) ?? 0]);
    dirty.clear();
    bus.publish({ t: 'loads', from: bus.id, entries });
  }

  function markDirty(id: string): void {
    dirty.add(id);
    timer ??= setTimeout(flush, interval);
  }

  function applyPeer(from: string, entries: ReadonlyArray<readonly [string, number]>): void {
    let m = peers.get(from);
    if (!m) peers.set(from, (m = new Map<string, number>()));
    for (const [id, n] of entries) {
      const old = m.get(id) ?? 0;
      if (n === 0) m.delete(id);
      else m.set(id, n);
      bump(id, n - old);
    }
  }

  function dropPeer(from: string): void {
    const m = peers.get(from);
    if (!m) return;
    peers.delete(from);
    for (const [id, n] of m) bump(id, -n);
  }

  const unsubscribe = bus.subscribe((msg: StateMessage) => {
    if (msg.t === 'loads' && msg.from !== bus.id) applyPeer(msg.from, msg.entries);
    else if (msg.t === 'peer-down') dropPeer(msg.from);
    else if (msg.t === 'engine-loads') engine = new Map(msg.entries);
  });

  return {
    get: (id) => total.get(id) ?? 0,
    engineUsage: (id) => engine.get(id),
    local: (id) => own.get(id) ?? 0,
    pendingBlocks: (id) => pending.get(id) ?? 0,
    acquire(id, blocks = 0) {
      const work = Number.isFinite(blocks) && blocks > 0 ? blocks : 0;
      if (work > 0) pending.set(id, (pending.get(id) ?? 0) + work);
      own.set(id, (own.get(id) ?? 0) + 1);
      bump(id, 1);
      markDirty(id);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (work > 0) {
          const left = (pending.get(id) ?? 0) - work;
          if (left <= 0) pending.delete(id);
          else pending.set(id, left);
        }
        const n = (own.get(id) ?? 0) - 1;
        if (n <= 0) own.delete(id);
        else own.set(id, n);
        bump(id, -1);
        markDirty(id);
      };
    },
    onChange(listener) {
      listeners.push(listener);
    },
    forget(id) {
      own.delete(id);
      pending.delete(id);
      total.delete(id);
      for (const m of peers.values()) m.delete(id);
    },
    close() {
      if (timer) clearTimeout(timer);
      flush();
      unsubscribe();
    },
  };
}
