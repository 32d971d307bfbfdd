import type { SchedulerMetrics } from '../metrics/scheduler-metrics';
import {
  classRank,
  minClass,
  parsePriority,
  PRIORITY_CLASSES,
  type PriorityClass,
} from './classes';
import { holdsSlot, type SchedOutcome } from './core';
import type { PreemptEvent } from './service';
import type { PrioritySettings } from './settings';
import { zeroes, type PerClass } from './slots';

function bump(v: PerClass, cls: PriorityClass, d: number): void {
  const i = classRank(cls);
  v[i] = (v[i] ?? 0) + d;
}

/**
 * Where an ingress process's admissions are decided: the primary's scheduler over the
 * control protocol (one instance), or Redis (the cluster). Tickets are unique within the
 * process; the backend adds the process's identity.
 */
export interface SchedulerBackend {
  admit(ticket: string, cls: PriorityClass, signal: AbortSignal): Promise<SchedOutcome>;
  release(ticket: string): void;
  /** A preemption request came after the request's first byte: it keeps its slot. */
  decline(ticket: string): void;
  /** Starts delivering preemption requests for this process's requests. */
  listen(onPreempt: (e: PreemptEvent) => void): void;
  close(): Promise<void>;
}

/** An admitted request as the gate holds it until it ends. */
export interface HeldRequest {
  /** Answers 503 scheduler_preempted and stops the request — false once its first byte left. */
  preempt(): boolean;
}

/** Why a held request ended (its smg_scheduler_admit_total outcome). */
export type HeldEnd = 'admitted' | 'preempted';

export interface PriorityGate {
  readonly settings: PrioritySettings;
  /** The class a request runs under: its `x-smg-priority`, clamped to its tenant's maximum. */
  classify(header: string | undefined, tenant: string): PriorityClass;
  /** SMG's per-second sibling check (--rate-limit-tokens-per-second > 0): false → 429. */
  takeRps(): boolean;
  /** Waits for a slot. A slot-holding outcome must be followed by `hold` and `release`. */
  admit(
    cls: PriorityClass,
    signal: AbortSignal,
  ): Promise<{ ticket: string; outcome: SchedOutcome }>;
  hold(ticket: string, cls: PriorityClass, req: HeldRequest): void;
  /** The request ended (idempotent): its slot returns. */
  release(ticket: string, end: HeldEnd): void;
  close(): Promise<void>;
}

export interface RpsLimit {
  /** Bucket size (SMG: --max-concurrent-requests). */
  readonly burst: number;
  readonly perSecond: number;
}

export interface GateOptions {
  readonly settings: PrioritySettings;
  readonly backend: SchedulerBackend;
  readonly metrics: SchedulerMetrics;
  /** Monotonic ms. */
  readonly now: () => number;
  readonly rps?: RpsLimit;
}

export function createPriorityGate(o: GateOptions): PriorityGate {
  const { settings, backend, metrics } = o;
  const held = new Map<string, { cls: PriorityClass; req: HeldRequest }>();
  const inflight = zeroes();
  const queued = zeroes();
  const limits = PRIORITY_CLASSES.map((c) => settings.classes[c].queueSize);
  const labelled = new Set<string>();
  let next = 1;

  /** Bounded tenant label cardinality (--priority-scheduler-tenant-metric-top-n). */
  const tenantLabel = (t: string): string => {
    if (labelled.has(t)) return t;
    if (labelled.size >= settings.tenantMetricTopN) return 'other';
    labelled.add(t);
    return t;
  };

  const rps = o.rps;
  const bucket = { tokens: rps?.burst ?? 0, at: o.now() };
  function takeRps(): boolean {
    if (!rps) return true;
    const t = o.now();
    bucket.tokens = Math.min(rps.burst, bucket.tokens + ((t - bucket.at) * rps.perSecond) / 1000);
    bucket.at = t;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  function release(ticket: string, end: HeldEnd): void {
    const h = held.get(ticket);
    if (!h) return;
    held.delete(ticket);
    bump(inflight, h.cls, -1);
    metrics.admit(h.cls, end);
    backend.release(ticket);
  }

  /** Tickets whose admission is under way, and preemptions asked before it came back. */
  const admitting = new Set<string>();
  const early = new Map<string, PreemptEvent>();
  function preempt(e: PreemptEvent): void {
    const h = held.get(e.ticket);
    if (!h) {
      // granted, but the answer is still on its way: preempt it as soon as it is held
      if (admitting.has(e.ticket)) early.set(e.ticket, e);
      else backend.decline(e.ticket); // it ended already (a no-op), or it is not ours
      return;
    }
    if (h.req.preempt()) {
      metrics.preemption(e.victim, e.by);
      release(e.ticket, 'preempted');
    } else {
      backend.decline(e.ticket);
    }
  }
  backend.listen(preempt);
  metrics.sample(() => ({ inflight, queued, queueLimits: limits }));

  return {
    settings,
    classify(header, tenant) {
      const p = parsePriority(header);
      if (p.unknown) metrics.unknownPriority(tenantLabel(tenant));
      const policies = settings.tenantPolicies;
      const max = Object.hasOwn(policies, tenant)
        ? (policies[tenant] ?? settings.defaultMaxClass)
        : settings.defaultMaxClass;
      const cls = minClass(p.cls, max);
      if (cls !== p.cls) metrics.clamp(tenantLabel(tenant), p.cls, cls);
      return cls;
    },
    takeRps,
    async admit(cls, signal) {
      const ticket = String(next++);
      const start = o.now();
      bump(queued, cls, 1);
      admitting.add(ticket);
      const outcome = await backend.admit(ticket, cls, signal);
      admitting.delete(ticket);
      bump(queued, cls, -1);
      if (!holdsSlot(outcome)) early.delete(ticket);
      const waited = (o.now() - start) / 1000;
      switch (outcome) {
        case 'admitted':
          break;
        case 'promoted':
          metrics.starvationPromotion(cls);
          metrics.queueWait(cls, waited);
          break;
        case 'waited':
          metrics.queueWait(cls, waited);
          break;
        case 'queue_full':
          metrics.admit(cls, 'rejected_queue_full');
          break;
        case 'timeout':
          metrics.queueWait(cls, waited);
          metrics.admit(cls, 'rejected_queue_timeout');
          break;
        case 'aborted':
          metrics.admit(cls, 'client_cancelled');
          break;
        case 'closed':
          break;
      }
      return { ticket, outcome };
    },
    hold(ticket, cls, req) {
      held.set(ticket, { cls, req });
      bump(inflight, cls, 1);
      const e = early.get(ticket);
      if (e) {
        early.delete(ticket);
        preempt(e);
      }
    },
    release,
    close: () => backend.close(),
  };
}
