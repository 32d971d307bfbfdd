import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { GatewayConfig } from '../config/config';
import type { Worker } from '../core/worker';
import type { GatewayMetrics } from '../metrics';
import { createCircuitBreaker, type CircuitBreaker } from '../resilience';
import type { WorkerManager } from './worker-manager';
import type { OutcomeBatch } from '../core/outcome-reporter';

/**
 * The instance's circuit breakers, one per worker, fed by every ingress process's outcomes.
 * State changes go into the registry (so every process routes around an open circuit);
 * an open circuit flips to half-open by timer, not only lazily, so replicas learn of it.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<
    string,
    { cb: CircuitBreaker; url: string; timer?: NodeJS.Timeout }
  >();

  constructor(
    private readonly cfg: GatewayConfig['circuitBreaker'],
    private readonly manager: WorkerManager,
    private readonly metrics: GatewayMetrics,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  track(w: Worker): void {
    if (this.breakers.has(w.id)) return;
    const cb = createCircuitBreaker(
      {
        failureThreshold: this.cfg.failureThreshold,
        successThreshold: this.cfg.successThreshold,
        openTimeoutMs: this.cfg.timeoutSecs * 1000,
        halfOpenMaxProbes: this.cfg.halfOpenMaxProbes,
        disabled: this.cfg.disabled,
      },
      this.clock,
    );
    const entry: { cb: CircuitBreaker; url: string; timer?: NodeJS.Timeout } = { cb, url: w.url };
    this.breakers.set(w.id, entry);
    this.metrics.cbState(w.url, 'closed');
    cb.onTransition((from, to) => {
      this.logger.warn({ worker: w.url, from, to }, 'circuit breaker transition');
      this.metrics.cbTransition(w.url, from, to);
      this.metrics.cbState(w.url, to);
      this.manager.setCircuit(w.id, to);
      if (entry.timer) clearTimeout(entry.timer);
      if (to === 'open') {
        entry.timer = setTimeout(() => cb.state(), this.cfg.timeoutSecs * 1000 + 5);
        entry.timer.unref();
      }
    });
  }

  untrack(id: string): void {
    const e = this.breakers.get(id);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    this.breakers.delete(id);
  }

  /** Applies a batch from one ingress process. */
  record(batch: OutcomeBatch): void {
    for (const [id, seq] of Object.entries(batch)) {
      const e = this.breakers.get(id);
      if (!e || typeof seq !== 'string') continue;
      // the breaker sees every outcome in order; the outcome counters are added once per
      // batch (a labelled prom-client inc per request was most of a busy primary's work)
      let ok = 0;
      let failed = 0;
      for (let i = 0; i < seq.length; i++) {
        if (seq.charCodeAt(i) === 0x53) {
          e.cb.recordSuccess();
          ok++;
        } else {
          e.cb.recordFailure();
          failed++;
        }
      }
      if (ok > 0) this.metrics.cbOutcome(e.url, 'success', ok);
      if (failed > 0) this.metrics.cbOutcome(e.url, 'failure', failed);
      const n = e.cb.counters();
      this.metrics.cbConsecutive(e.url, n.consecutiveFailures, n.consecutiveSuccesses);
    }
  }

  close(): void {
    for (const e of this.breakers.values()) if (e.timer) clearTimeout(e.timer);
    this.breakers.clear();
  }
}
