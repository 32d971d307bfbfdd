import type { Worker, WorkerSet } from '../core/worker';

/**
 * Remembers which WorkerSet a policy's derived structures (heap, ring, maps) were built from.
 * `ensure` rebuilds lazily when select() sees a set that is new or whose version moved, so a
 * policy stays correct even if onWorkersChanged was never called; `rebuild` is the eager path.
 */
export interface SetTracker {
  ensure(set: WorkerSet): void;
  rebuild(set: WorkerSet): void;
}

export function createSetTracker(build: (set: WorkerSet) => void): SetTracker {
  let builtFrom: WorkerSet | undefined;
  let builtVersion = Number.NaN;
  const rebuild = (set: WorkerSet): void => {
    build(set);
    builtFrom = set;
    builtVersion = set.version;
  };
  return {
    ensure(set) {
      if (set !== builtFrom || set.version !== builtVersion) rebuild(set);
    },
    rebuild,
  };
}

/** id → worker over `set.available`, for O(1) availability checks by id. */
export function indexAvailable(set: WorkerSet): Map<string, Worker> {
  const byId = new Map<string, Worker>();
  for (const w of set.available) byId.set(w.id, w);
  return byId;
}
