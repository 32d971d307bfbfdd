import type { Worker, WorkerStatus } from './worker';
import type { StateBus } from '../state/bus';
import { uuidv7 } from '../util/uuid';

/**
 * The authoritative worker registry of an instance. It lives in one place (the primary, or
 * the single process) and publishes a versioned snapshot on every change; ingress
 * processes only ever hold replicas.
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
  let version = 0;

  function publish(): void {
    version++;
    bus.publish({ t: 'registry', version, workers: [...workers.values()] });
  }
  // An initial (possibly empty) snapshot, so a replica can tell "no workers" from "not synced".
  publish();

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
    list: () => [...workers.values()],
    get version() {
      return version;
    },
  };
}
