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
  /** What the peers last heard from us: [in-flight, pending blocks] per worker. */
  const published = new Map<string, readonly [number, number]>();
  const own = new Map<string, number>();
  const peers = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  /** Own predicted prefill work per worker, and everyone's (own + peers' last reports). */
  const pending = new Map<string, number>();
  const pendingAll = new Map<string, number>();
  const peersPending = new Map<string, Map<string, number>>();
  let engine = new Map<string, number>();
  const dirty = new Set<string>();
  const listeners: Array<(id: string, load: number) => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;
  /** The pending timer is a significant change's: nothing later can bring it forward. */
  let timerSignificant = false;
  let lastReport = -Infinity;

  function bump(id: string, delta: number): void {
    if (delta === 0) return;
    const v = (total.get(id) ?? 0) + delta;
    if (v === 0) total.delete(id);
    else total.set(id, v);
    for (const l of listeners) l(id, v);
  }

  function isSignificant(id: string): boolean {
    const pub = published.get(id);
    const n = own.get(id) ?? 0;
    const p = pending.get(id) ?? 0;
    return pub === undefined ? n + p > 0 : significant(pub[0], n) || significant(pub[1], p);
  }

  /** Publishes every dirty worker (not only the significant ones: one write carries all). */
  function flush(): void {
    timer = undefined;
    timerDue = Infinity;
    timerSignificant = false;
    if (dirty.size === 0) return;
    lastReport = clock();
    const entries: Array<[string, number]> = [];
    const queued: Array<[string, number]> = [];
    for (const id of dirty) {
      const n = own.get(id) ?? 0;
      entries.push([id, n]);
      const p = pending.get(id);
      if (p !== undefined) queued.push([id, p]);
      if (n === 0 && p === undefined) published.delete(id);
      else published.set(id, [n, p ?? 0]);
    }
    dirty.clear();
    bus.publish({ t: 'loads', from: bus.id, entries, pending: queued });
  }

  function markDirty(id: string): void {
    dirty.add(id);
    // A pending publish of a significant change cannot be brought forward (a later one would
    // be due no sooner); nor can an insignificant change bring forward any pending one (it
    // would be due `maxStale` from now, later than the pending one). Only the rest reads the
    // clock.
    if (timer !== undefined && timerSignificant) return;
    const significant = isSignificant(id);
    if (timer !== undefined && !significant) return;
    const now = clock();
    const delay = Math.max(significant ? interval : maxStale, lastReport + minGap - now);
    if (now + delay >= timerDue) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delay);
    timerDue = now + delay;
    timerSignificant = significant;
  }

  function addPending(id: string, delta: number): void {
    const v = (pendingAll.get(id) ?? 0) + delta;
    if (v <= 0) pendingAll.delete(id);
    else pendingAll.set(id, v);
  }

  type Entries = ReadonlyArray<readonly [string, number]>;
  function applyPeer(from: string, entries: Entries, queued: Entries | undefined): void {
    let m = peers.get(from);
    if (!m) peers.set(from, (m = new Map<string, number>()));
    let q = peersPending.get(from);
    if (!q) peersPending.set(from, (q = new Map<string, number>()));
    const reported = new Map(queued ?? []);
    for (const [id, n] of entries) {
      const old = m.get(id) ?? 0;
      if (n === 0) m.delete(id);
      else m.set(id, n);
      bump(id, n - old);
      // a worker the report names without pending work has none from that peer
      const r = reported.get(id) ?? 0;
      const p = n > 0 && Number.isFinite(r) && r > 0 ? r : 0;
      addPending(id, p - (q.get(id) ?? 0));
      if (p > 0) q.set(id, p);
      else q.delete(id);
    }
  }

  function dropPeer(from: string): void {
    const q = peersPending.get(from);
    peersPending.delete(from);
    if (q) for (const [id, p] of q) addPending(id, -p);
    const m = peers.get(from);
    if (!m) return;
    peers.delete(from);
    for (const [id, n] of m) bump(id, -n);
  }

  const unsubscribe = bus.subscribe((msg: StateMessage) => {
    if (msg.t === 'loads' && msg.from !== bus.id) applyPeer(msg.from, msg.entries, msg.pending);
    else if (msg.t === 'peer-down') dropPeer(msg.from);
    else if (msg.t === 'engine-loads') engine = new Map(msg.entries);
  });

  return {
    get: (id) => total.get(id) ?? 0,
    engineUsage: (id) => engine.get(id),
    local: (id) => own.get(id) ?? 0,
    pendingBlocks: (id) => pendingAll.get(id) ?? 0,
    // connection waits are the engine clients' to count (createRouter's `waiting`)
    waiting: () => 0,
    acquire(id, blocks = 0) {
      let work = Number.isFinite(blocks) && blocks > 0 ? blocks : 0;
      if (work > 0) {
        pending.set(id, (pending.get(id) ?? 0) + work);
        addPending(id, work);
      }
      own.set(id, (own.get(id) ?? 0) + 1);
      bump(id, 1);
      markDirty(id);
      let released = false;
      const prefilled = (): void => {
        if (work === 0) return;
        const left = (pending.get(id) ?? 0) - work;
        if (left <= 0) pending.delete(id);
        else pending.set(id, left);
        addPending(id, -work);
        work = 0;
        markDirty(id);
      };
      const release = (): void => {
        if (released) return;
        released = true;
        prefilled();
        const n = (own.get(id) ?? 0) - 1;
        if (n <= 0) own.delete(id);
        else own.set(id, n);
        bump(id, -1);
        markDirty(id);
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
      own.delete(id);
      published.delete(id);
      dirty.delete(id);
      pending.delete(id);
      pendingAll.delete(id);
      for (const q of peersPending.values()) q.delete(id);
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
