import type { Worker, WorkerStatus } from './worker';
import type { StateBus } from '../state/bus';
import { uuidv7 } from '../util/uuid';
import { Replicated, type ReplicaSource, type Versioned } from '../cluster/replicated';

/**
 * The authoritative worker registry of an instance. It lives in one place (the primary, or
 * the single process) and is a `Replicated` list: every change publishes the next versioned
 * snapshot (see cluster/replicated.ts for the consistency rule); ingress processes only
 * ever hold replicas (the router's).
 */
export interface WorkerRegistry {
  /** The id reserved for `url` (minted on first use, reused until the worker is removed). */
  reserveId(url: string): string;
  /** The URL an id is reserved for (registered or not). */
  reservedUrl(id: string): string | undefined;
  /** Drops a reservation whose worker never registered. */
  release(url: string): void;
  upsert(w: Omit<Worker, 'revision'>): Worker;
  setStatus(id: string, status: WorkerStatus): void;
  remove(id: string): boolean;
  get(id: string): Worker | undefined;
  list(): readonly Worker[];
  readonly version: number;
}

export function createWorkerRegistry(
  bus: StateBus,
  clock: { now(): number } = Date,
): WorkerRegistry {
  const workers = new Map<string, Worker>();
  const idByUrl = new Map<string, string>();
  // Version 1 is the initial (empty) snapshot, so a replica can tell "no workers" from
  // "not synced"; it goes out at once.
  const state = new Replicated<readonly Worker[]>([]);
  publishRegistry(state, bus);
  const publish = (): void => void state.set([...workers.values()]);

  return {
    reserveId(url) {
      let id = idByUrl.get(url);
      if (!id) idByUrl.set(url, (id = uuidv7(clock.now())));
      return id;
    },
    reservedUrl(id) {
      for (const [url, rid] of idByUrl) if (rid === id) return url;
      return undefined;
    },
    release(url) {
      const id = idByUrl.get(url);
      if (id !== undefined && !workers.has(id)) idByUrl.delete(url);
    },
    upsert(w) {
      const prev = workers.get(w.id);
      const next: Worker = { ...w, revision: (prev?.revision ?? 0) + 1 };
      workers.set(w.id, next);
      idByUrl.set(w.url, w.id);
      publish();
      return next;
    },
    setStatus(id, status) {
      const prev = workers.get(id);
      if (!prev || prev.status === status) return;
      workers.set(id, { ...prev, status, revision: prev.revision + 1 });
      publish();
    },
    remove(id) {
      const prev = workers.get(id);
      if (!prev) return false;
      workers.delete(id);
      idByUrl.delete(prev.url);
      publish();
      return true;
    },
    get: (id) => workers.get(id),
    list: () => state.value,
    get version() {
      return state.version;
    },
  };
}

/**
 * The registry's transport: its snapshots ride the state bus as 'registry' messages (the IPC
 * hub, or the in-memory one), whose hubs retain the newest for a process that joins late.
 * The message keeps its shape, so the bus implementations and Redis encoding are unchanged.
 */
export function publishRegistry(state: Replicated<readonly Worker[]>, bus: StateBus): () => void {
  return state.subscribe((s) =>
    bus.publish({ t: 'registry', version: s.version, workers: s.value }),
  );
}

/** The ingress side of that transport: registry snapshots from the bus, as a replica source. */
export function registrySource(bus: StateBus): ReplicaSource<readonly Worker[]> {
  return {
    subscribe: (deliver: (s: Versioned<readonly Worker[]>) => void) =>
      bus.subscribe((m) => {
        if (m.t === 'registry') deliver({ version: m.version, value: m.workers });
      }),
  };
}
