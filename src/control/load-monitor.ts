import type { StateBus } from '../state/bus';
import type { WorkerRegistry } from '../core/registry';
import { fetchWorkerLoad } from '../core/engine-loads';
import type { EngineClients } from '../dispatch/engine-client';

/**
 * Polls every worker's engine-reported load every `intervalSecs` (SMG --load-monitor-interval,
 * one poller per instance) and shares the KV usage with every ingress process, where
 * power_of_two compares it as SMG does.
 */
export function startLoadMonitor(
  bus: StateBus,
  registry: WorkerRegistry,
  intervalSecs: number,
  engines: EngineClients,
): () => void {
  let running = false;
  const poll = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const workers = registry.list().filter((w) => w.status === 'ready');
      const loads = await Promise.all(
        workers.map(
          async (w) => [w.id, await fetchWorkerLoad(w, engines.forWorker(w), 5000)] as const,
        ),
      );
      const entries = loads
        .filter(([, l]) => l.tokenUsage !== undefined)
        .map(([id, l]) => [id, l.tokenUsage as number] as const);
      bus.publish({ t: 'engine-loads', entries });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), intervalSecs * 1000);
  timer.unref();
  void poll();
  return () => clearInterval(timer);
}
