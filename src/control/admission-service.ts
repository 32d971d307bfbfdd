import type { GatewayConfig } from '../config/config';
import type { GatewayMetrics } from '../metrics';
import type { Clock } from '../util/clock';
import { createAdmission, type Admission, type AdmissionResult } from '../resilience';

/**
 * SMG's legacy limiter (§9.1) for the instance as a whole: the primary owns the one token
 * bucket and queue; ingress processes ask for a token per request over RPC. Tokens held by
 * a process that dies are returned with it.
 */
export class AdmissionService {
  private readonly admission: Admission;
  private readonly waiting = new Map<string, AbortController>();
  private readonly held = new Map<string, number>();

  constructor(
    cfg: GatewayConfig['admission'],
    clock: Clock,
    private readonly metrics: GatewayMetrics,
  ) {
    this.admission = createAdmission(
      {
        maxConcurrent: cfg.maxConcurrent,
        ...(cfg.refillPerSec !== undefined ? { refillPerSec: cfg.refillPerSec } : {}),
        queueSize: cfg.queueSize,
        queueTimeoutMs: cfg.queueTimeoutSecs * 1000,
      },
      clock,
      {
        setTimeout: (cb, ms) => setTimeout(cb, ms),
        clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
      },
    );
  }

  get enabled(): boolean {
    return this.admission.enabled;
  }

  async admit(peer: string, ticket: string): Promise<AdmissionResult> {
    const ac = new AbortController();
    const key = `${peer}/${ticket}`;
    this.waiting.set(key, ac);
    const r = await this.admission.acquire({ signal: ac.signal });
    this.waiting.delete(key);
    this.metrics.queueDepth(this.admission.queueDepth());
    if (r === 'admitted') {
      if (ac.signal.aborted) {
        this.admission.release(); // the client left between grant and delivery
        return 'aborted';
      }
      this.held.set(peer, (this.held.get(peer) ?? 0) + 1);
    }
    return r;
  }

  cancel(peer: string, ticket: string): void {
    this.waiting.get(`${peer}/${ticket}`)?.abort();
  }

  release(peer: string): void {
    const n = this.held.get(peer) ?? 0;
    if (n <= 0) return;
    this.held.set(peer, n - 1);
    this.admission.release();
  }

  /** A process went away: its queued requests and held tokens go with it. */
  peerGone(peer: string): void {
    for (const [key, ac] of this.waiting) if (key.startsWith(`${peer}/`)) ac.abort();
    const n = this.held.get(peer) ?? 0;
    this.held.delete(peer);
    for (let i = 0; i < n; i++) this.admission.release();
  }

  close(): void {
    this.admission.close();
  }
}
