import type { StateBus } from '../state/bus';
import type { WorkerRegistry } from '../core/registry';
import { fetchWorkerLoad, type WorkerLoad } from '../core/engine-loads';
import type { EngineClients } from '../dispatch/engine-client';

/** One worker's engine-reported load as last polled. */
export interface PolledLoad extends WorkerLoad {
  /** Wall-clock ms of the poll. */
  readonly at: number;
}

/**
 * Polls every ready worker's engine-reported load (`/v1/loads`, else `/metrics`) and keeps the
 * last answer per worker id. The load monitor polls on a timer; the operator console asks for
 * a refresh only while someone watches it.
 */
export interface LoadPoller {
  /** This poll's answers: the workers that are ready now. */
  poll(): Promise<ReadonlyMap<string, PolledLoad>>;
  /** The last answer per worker id (workers that left the registry are dropped). */
  latest(): ReadonlyMap<string, PolledLoad>;
  /** Polls unless one ran within `maxAgeMs` (or one is running); resolves when it ended. */
  refresh(maxAgeMs: number): Promise<void>;
}

export function createLoadPoller(
  registry: WorkerRegistry,
  engines: EngineClients,
  timeoutMs = 5000,
  now: () => number = Date.now,
): LoadPoller {
  let last = new Map<string, PolledLoad>();
  let lastAt = -Infinity;
  let running: Promise<ReadonlyMap<string, PolledLoad>> | undefined;
  const run = async (): Promise<ReadonlyMap<string, PolledLoad>> => {
    const workers = registry.list().filter((w) => w.status === 'ready');
    const loads = await Promise.all(
      workers.map(async (w) => {
        const l = await fetchWorkerLoad(w, engines.forWorker(w), timeoutMs);
        return [w.id, { ...l, at: now() }] as const;
      }),
    );
    const ids = new Set(registry.list().map((w) => w.id));
    const next = new Map([...last].filter(([id]) => ids.has(id)));
    for (const [id, l] of loads) next.set(id, l);
    last = next;
    lastAt = now();
    return new Map(loads);
  };
  const poll = (): Promise<ReadonlyMap<string, PolledLoad>> =>
    (running ??= run().finally(() => (running = undefined)));
  return {
    poll,
    latest: () => last,
    async refresh(maxAgeMs) {
      if (running === undefined && now() - lastAt < maxAgeMs) return;
      await poll();
    },
  };
}

/**
 * Polls every worker's engine-reported load every `intervalSecs` (SMG --load-monitor-interval,
 * one poller per instance) and shares the KV usage with every ingress process, where
 * power_of_two compares it as SMG does.
 */
export function startLoadMonitor(
  bus: StateBus,
  poller: LoadPoller,
  intervalSecs: number,
): () => void {
  const poll = async (): Promise<void> => {
    const loads = await poller.poll();
    const entries = [...loads]
      .filter(([, l]) => l.tokenUsage !== undefined)
      .map(([id, l]) => [id, l.tokenUsage as number] as const);
    bus.publish({ t: 'engine-loads', entries });
  };
  const timer = setInterval(() => void poll(), intervalSecs * 1000);
  timer.unref();
  void poll();
  return () => clearInterval(timer);
}
