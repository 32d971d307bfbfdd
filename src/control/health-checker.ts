import type { Logger } from '../util/logger';
import type { GatewayConfig } from '../config/config';
import type { Worker } from '../core/worker';
import type { GatewayMetrics } from '../metrics';
import { probeHealth } from '../core/discovery';
import { createHealthState, type HealthState } from '../resilience';
import type { WorkerManager } from './worker-manager';

const MAX_PROBES_IN_FLIGHT = 128;

interface Tracked {
  readonly worker: Worker;
  readonly state: HealthState;
  timer: NodeJS.Timeout | undefined;
  probing: boolean;
}

/**
 * One prober per instance (in the primary), SMG §6.3: every worker is probed at its
 * interval (per-worker overrides win), right away when it is added or replaced; status
 * changes go through the WorkerManager, so every ingress process sees them. Draining
 * and failed workers are not probed; failed ones are removed with --remove-unhealthy-workers.
 */
export class HealthChecker {
  private readonly tracked = new Map<string, Tracked>();
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly cfg: GatewayConfig['health'],
    private readonly manager: WorkerManager,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** A worker was registered or replaced: (re)start its probe loop. */
  track(w: Worker): void {
    this.untrack(w.id);
    this.metrics.workerHealth(w.url, w.status === 'ready');
    if (this.cfg.disabled || w.health.disableHealthCheck === true) return;
    const state = createHealthState({
      successThreshold: w.health.successThreshold ?? this.cfg.successThreshold,
      failureThreshold: w.health.failureThreshold ?? this.cfg.failureThreshold,
      // SMG marks freshly registered HTTP workers ready at once; probes only demote later.
      initial: w.status === 'pending' ? 'pending' : 'ready',
    });
    const t: Tracked = { worker: w, state, timer: undefined, probing: false };
    this.tracked.set(w.id, t);
    this.schedule(t, 0);
  }

  untrack(id: string): void {
    const t = this.tracked.get(id);
    if (!t) return;
    if (t.timer) clearTimeout(t.timer);
    this.tracked.delete(id);
  }

  private schedule(t: Tracked, delayMs: number): void {
    if (this.closed) return;
    t.timer = setTimeout(() => void this.probe(t), delayMs);
    t.timer.unref();
  }

  private async slot(): Promise<void> {
    if (this.inFlight < MAX_PROBES_IN_FLIGHT) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
  }

  private freeSlot(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private async probe(t: Tracked): Promise<void> {
    const { worker } = t;
    const current = this.manager.registry.get(worker.id);
    if (this.closed || this.tracked.get(worker.id) !== t || !current) return;
    if (current.status === 'draining' || current.status === 'failed') return;
    const timeoutMs = (worker.health.timeoutSecs ?? this.cfg.timeoutSecs) * 1000;
    await this.slot();
    let ok: boolean;
    try {
      ok = await probeHealth(
        this.manager.engines.forWorker({ url: worker.url, apiKey: current.apiKey }),
        timeoutMs,
        this.cfg.endpoint,
      );
    } finally {
      this.freeSlot();
    }
    // discard the result if the worker was replaced or removed meanwhile (SMG's revision check)
    if (this.closed || this.tracked.get(worker.id) !== t) return;
    this.metrics.healthCheck(ok ? 'success' : 'failure');
    const next = t.state.record(ok);
    if (next !== undefined) {
      this.logger.warn({ worker: worker.url, status: next }, 'worker health changed');
      this.manager.setStatus(worker.id, next);
      this.metrics.workerHealth(worker.url, next === 'ready');
      if (next === 'failed') {
        if (this.cfg.removeUnhealthy) this.manager.remove(worker.id);
        return;
      }
    }
    this.schedule(t, (worker.health.checkIntervalSecs ?? this.cfg.intervalSecs) * 1000);
  }

  close(): void {
    this.closed = true;
    for (const t of this.tracked.values()) if (t.timer) clearTimeout(t.timer);
    this.tracked.clear();
  }
}
