import type { StateBus, StateMessage } from '../state/bus';
import type { LoadView } from '../policies/types';

/**
 * Cluster-wide in-flight requests per worker: this process's live counts plus every other
 * process's last report. Own changes are published in batches every `publishIntervalMs`
 * (stale by one interval); reports of a process that goes away are dropped with it.
 */
export interface LoadTracker extends Required<LoadView> {
  /**
   * Counts one request on `workerId`, carrying `blocks` of predicted prefill work (see
   * pendingBlocks); the returned release is idempotent.
   */
  acquire(workerId: string, blocks?: number): LoadLease;
  /** This process's own live count. */
  local(workerId: string): number;
  /** Called with the new cluster-wide value whenever a worker's load changes. */
  onChange(listener: (workerId: string, load: number) => void): void;
  /** Forgets a worker entirely (it left the registry). */
  forget(workerId: string): void;
  close(): void;
}

/** Releases a counted request; `prefilled()` drops only its predicted prefill work (first byte). */
export type LoadLease = (() => void) & { prefilled(): void };

/**
 * A change is significant when it moves a count by at least 10 % of its size (every change
 * below 10): at low load every change travels within `publishIntervalMs`, at high load the
 * ±1 jitter around a steady level waits up to `maxStaleMs`. Each publish is an IPC write
 * that wakes the primary, which is what a busy process cannot afford every few ms.
 */
function significant(published: number, now: number): boolean {
  return Math.abs(now - published) >= Math.max(1, Math.floor(0.1 * Math.max(now, published)));
}

/**
 * Everything the tracker knows about one worker, in one record found with one lookup. Records
 * live until `forget` (the worker left the registry); a count that falls to zero stays as 0.
 * Deleting zero entries from long-lived Maps cost old-generation garbage on every request:
 * V8 reallocates the table of an old Map in the old generation whenever it shrinks, grows or is
 * cleared, and at a steady low rate each count went 0 → 1 → 0 per request.
 */
class WorkerLoad {
  /** This process's in-flight requests. */
  own = 0;
  /** Cluster-wide in-flight requests: own plus every peer's last report. */
  total = 0;
  /** This process's predicted prefill work (blocks), and everyone's. */
  pending = 0;
  pendingAll = 0;
  /** What the peers last heard from us; `published` false: nothing (or all zero). */
  published = false;
  pubOwn = 0;
  pubPending = 0;
  /** Waiting in the dirty list for the next report. */
  dirty = false;
  /** Forgotten: a lease still held on it settles here, unseen by peers and listeners. */
  gone = false;
  constructor(readonly id: string) {}
}

/** A peer's last report per worker: [in-flight, pending blocks] (zeros kept, see WorkerLoad). */
type PeerReport = Map<string, [number, number]>;

export function createLoadTracker(opts: {
  bus: StateBus;
  /** Delay of a significant change, ms. Default 5. */
  publishIntervalMs?: number;
  /** Longest delay of any change, ms. Default 25. */
  maxStaleMs?: number;
  /**
   * Shortest time between two reports, ms. Default 0. A change after a quiet spell still goes
   * within `publishIntervalMs`; a process whose counts change all the time (every change is
   * significant at saturation) reports once per gap instead of once per interval.
   */
  minReportGapMs?: number;
  /** Monotonic clock, ms. Default performance.now. */
  now?: () => number;
}): LoadTracker {
  const { bus } = opts;
  const interval = opts.publishIntervalMs ?? 5;
  const maxStale = opts.maxStaleMs ?? 25;
  const minGap = opts.minReportGapMs ?? 0;
  const clock = opts.now ?? (() => performance.now());
  const workers = new Map<string, WorkerLoad>();
  const peers = new Map<string, PeerReport>();
  let engine = new Map<string, number>();
  /** Workers changed since the last report (each once: WorkerLoad.dirty). */
  let dirty: WorkerLoad[] = [];
  const listeners: Array<(id: string, load: number) => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;
  /** The pending timer is a significant change's: nothing later can bring it forward. */
  let timerSignificant = false;
  let lastReport = -Infinity;

  function record(id: string): WorkerLoad {
    let w = workers.get(id);
    if (w === undefined) workers.set(id, (w = new WorkerLoad(id)));
    return w;
  }

  function bump(w: WorkerLoad, delta: number): void {
    if (delta === 0 || w.gone) return;
    const v = (w.total += delta);
    for (const l of listeners) l(w.id, v);
  }

  function isSignificant(w: WorkerLoad): boolean {
    return w.published
      ? significant(w.pubOwn, w.own) || significant(w.pubPending, w.pending)
      : w.own + w.pending > 0;
  }

  /** Publishes every dirty worker (not only the significant ones: one write carries all). */
  function flush(): void {
    timer = undefined;
    timerDue = Infinity;
    timerSignificant = false;
    if (dirty.length === 0) return;
    lastReport = clock();
    const entries: Array<[string, number]> = [];
    const queued: Array<[string, number]> = [];
    const list = dirty;
    dirty = [];
    for (const w of list) {
      w.dirty = false;
      entries.push([w.id, w.own]);
      if (w.pending > 0) queued.push([w.id, w.pending]);
      w.published = w.own > 0 || w.pending > 0;
      w.pubOwn = w.own;
      w.pubPending = w.pending;
    }
    bus.publish({ t: 'loads', from: bus.id, entries, pending: queued });
  }

  function markDirty(w: WorkerLoad): void {
    if (w.gone) return;
    if (!w.dirty) {
      w.dirty = true;
      dirty.push(w);
    }
    // A pending publish of a significant change cannot be brought forward (a later one would
    // be due no sooner); nor can an insignificant change bring forward any pending one (it
    // would be due `maxStale` from now, later than the pending one). Only the rest reads the
    // clock.
    if (timer !== undefined && timerSignificant) return;
    const significant = isSignificant(w);
    if (timer !== undefined && !significant) return;
    const now = clock();
    const delay = Math.max(significant ? interval : maxStale, lastReport + minGap - now);
    if (now + delay >= timerDue) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delay);
    timerDue = now + delay;
    timerSignificant = significant;
  }

  function addPending(w: WorkerLoad, delta: number): void {
    w.pendingAll = Math.max(0, w.pendingAll + delta);
  }

  type Entries = ReadonlyArray<readonly [string, number]>;
  function applyPeer(from: string, entries: Entries, queued: Entries | undefined): void {
    let m = peers.get(from);
    if (!m) peers.set(from, (m = new Map<string, [number, number]>()));
    const reported = new Map(queued ?? []);
    for (const [id, n] of entries) {
      let last = m.get(id);
      if (last === undefined) m.set(id, (last = [0, 0]));
      const w = record(id);
      bump(w, n - last[0]);
      last[0] = n;
      // a worker the report names without pending work has none from that peer
      const r = reported.get(id) ?? 0;
      const p = n > 0 && Number.isFinite(r) && r > 0 ? r : 0;
      addPending(w, p - last[1]);
      last[1] = p;
    }
  }

  function dropPeer(from: string): void {
    const m = peers.get(from);
    if (!m) return;
    peers.delete(from);
    for (const [id, [n, p]] of m) {
      const w = workers.get(id);
      if (w === undefined) continue;
      addPending(w, -p);
      bump(w, -n);
    }
  }

  const unsubscribe = bus.subscribe((msg: StateMessage) => {
    if (msg.t === 'loads' && msg.from !== bus.id) applyPeer(msg.from, msg.entries, msg.pending);
    else if (msg.t === 'peer-down') dropPeer(msg.from);
    else if (msg.t === 'engine-loads') engine = new Map(msg.entries);
  });

  return {
    get: (id) => workers.get(id)?.total ?? 0,
    engineUsage: (id) => engine.get(id),
    local: (id) => workers.get(id)?.own ?? 0,
    pendingBlocks: (id) => workers.get(id)?.pendingAll ?? 0,
    // connection waits are the engine clients' to count (createRouter's `waiting`)
    waiting: () => 0,
    acquire(id, blocks = 0) {
      const w = record(id);
      let work = Number.isFinite(blocks) && blocks > 0 ? blocks : 0;
      if (work > 0) {
        w.pending += work;
        addPending(w, work);
      }
      w.own++;
      bump(w, 1);
      markDirty(w);
      let released = false;
      const prefilled = (): void => {
        if (work === 0) return;
        w.pending = Math.max(0, w.pending - work);
        addPending(w, -work);
        work = 0;
        markDirty(w);
      };
      const release = (): void => {
        if (released) return;
        released = true;
        prefilled();
        w.own = Math.max(0, w.own - 1);
        bump(w, -1);
        markDirty(w);
      };
      // a property set on the function, not Object.assign (a generic copy per request)
      const lease = release as LoadLease;
      lease.prefilled = prefilled;
      return lease;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    forget(id) {
      const w = workers.get(id);
      if (w === undefined) return;
      workers.delete(id);
      // a lease still held on the forgotten worker settles on this detached record; a worker
      // added again under the same id starts from zero
      w.gone = true;
      w.dirty = false;
      dirty = dirty.filter((d) => d !== w);
      for (const m of peers.values()) m.delete(id);
    },
    close() {
      if (timer) clearTimeout(timer);
      flush();
      unsubscribe();
    },
  };
}
