import type { Worker } from '../core/worker';
import { createAssigner } from './manual-assigner';
import { createSetTracker, indexAvailable } from './set-tracker';
import type { Policy, PolicyDeps, PolicyOptions } from './types';

export const MANUAL_ROUTING_KEY_HEADER = 'x-smg-routing-key';
/** Candidate workers remembered per routing key (a bounded FIFO), as in SMG. */
export const MAX_CANDIDATES = 2;
/** setInterval treats larger delays as 1 ms; clamp instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ManualPolicy extends Policy {
  readonly name: 'manual';
  /** Routing keys currently held. */
  readonly size: number;
  /** Drops entries idle for more than `maxIdleSecs`; returns how many. The timer calls this. */
  sweep(): number;
  close(): void;
}

interface StickyEntry {
  /** Worker ids, oldest first; at most MAX_CANDIDATES. */
  readonly candidates: string[];
  /** deps.clock.monotonic() at the last use, ms. */
  lastUsed: number;
}

/**
 * Sticky routing: `x-smg-routing-key` → up to two candidate workers. A hit goes to the first
 * available candidate; a miss (or all candidates unavailable) assigns one by
 * `opts.assignmentMode` and appends it, dropping the oldest beyond two. No key → a fresh pick.
 *
 * `entries` is kept in least-recently-used order (a hit re-inserts its key), so the idle sweep
 * stops at the first fresh entry instead of scanning every key.
 */
export function createManualPolicy(deps: PolicyDeps, opts: PolicyOptions): ManualPolicy {
  const entries = new Map<string, StickyEntry>();
  /** Worker id → number of routing keys whose candidates include it (min_group). */
  const groups = new Map<string, number>();
  const assigner = createAssigner(deps, opts.assignmentMode);
  let availableById = new Map<string, Worker>();
  const tracker = createSetTracker((set) => {
    availableById = indexAvailable(set);
    assigner.rebuild(set, (id) => groups.get(id) ?? 0);
  });
  const maxIdleMs = opts.maxIdleSecs * 1000;

  const changeGroup = (workerId: string, delta: 1 | -1): void => {
    const next = (groups.get(workerId) ?? 0) + delta;
    if (next > 0) groups.set(workerId, next);
    else groups.delete(workerId);
    assigner.onGroupChanged(workerId, delta);
  };

  const addCandidate = (entry: StickyEntry, workerId: string): void => {
    entry.candidates.push(workerId);
    changeGroup(workerId, 1);
    while (entry.candidates.length > MAX_CANDIDATES) {
      const dropped = entry.candidates.shift();
      if (dropped !== undefined) changeGroup(dropped, -1);
    }
  };

  const firstAvailable = (entry: StickyEntry): Worker | undefined => {
    for (const id of entry.candidates) {
      const worker = availableById.get(id);
      if (worker) return worker;
    }
    return undefined;
  };

  const touch = (key: string): StickyEntry => {
    const now = deps.clock.monotonic();
    const entry = entries.get(key) ?? { candidates: [], lastUsed: now };
    entries.delete(key);
    entry.lastUsed = now;
    entries.set(key, entry);
    return entry;
  };

  const sweep = (): number => {
    const now = deps.clock.monotonic();
    let removed = 0;
    for (const [key, entry] of entries) {
      if (now - entry.lastUsed <= maxIdleMs) break;
      entries.delete(key);
      for (const id of entry.candidates) changeGroup(id, -1);
      removed++;
    }
    return removed;
  };

  const intervalMs = Math.min(opts.evictionIntervalSecs * 1000, MAX_TIMER_MS);
  const timer = intervalMs > 0 ? setInterval(sweep, intervalMs).unref() : undefined;

  return {
    name: 'manual',
    get size() {
      return entries.size;
    },
    select(set, req) {
      if (set.available.length === 0) return undefined;
      tracker.ensure(set);
      const key = req.header(MANUAL_ROUTING_KEY_HEADER);
      if (!key) return assigner.pick(set);
      const entry = touch(key);
      const sticky = firstAvailable(entry);
      if (sticky) return sticky;
      const worker = assigner.pick(set);
      if (worker) addCandidate(entry, worker.id);
      return worker;
    },
    onWorkersChanged: (set) => tracker.rebuild(set),
    onLoadChanged: (workerId, load) => assigner.onLoadChanged(workerId, load),
    sweep,
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
