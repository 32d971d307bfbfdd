import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** `outcome` of smg_scheduler_admit_total (SMG `metrics::outcome`). */
export type SchedulerAdmitOutcome =
  'admitted' | 'rejected_queue_full' | 'rejected_queue_timeout' | 'preempted' | 'client_cancelled';

/** What this process holds, per class (bulk, default, interactive, system). */
export interface SchedulerSample {
  readonly inflight: readonly number[];
  readonly queued: readonly number[];
  readonly queueLimits: readonly number[];
}

/**
 * SMG's priority-scheduler metrics (§11, `middleware/scheduler/metrics.rs`), recorded by the
 * ingress processes (each counts its own requests; the primary's scrape sums them):
 *  - admit_total{class,outcome}: one per request, when it was rejected or when it ended
 *    (outcome preempted for a request answered 503 scheduler_preempted);
 *  - queue_wait_seconds{class}: requests that waited in a queue (its _count = queued);
 *  - preemption_total{victim_class,by_class}: preemptions carried out;
 *  - clamp_total, unknown_priority_value_total: header values clamped / not understood,
 *    by tenant (the first --priority-scheduler-tenant-metric-top-n tenants, then "other");
 *  - starvation_promotion_total{class};
 *  - inflight / queue_depth{class}: requests holding / waiting for a slot in this process;
 *    queue_size_limit{class}: the configured limits.
 */
export interface SchedulerMetrics {
  admit(cls: string, outcome: SchedulerAdmitOutcome): void;
  queueWait(cls: string, seconds: number): void;
  preemption(victim: string, by: string): void;
  clamp(tenant: string, requested: string, effective: string): void;
  unknownPriority(tenant: string): void;
  starvationPromotion(cls: string): void;
  /** Reads the gauges at scrape time. */
  sample(read: () => SchedulerSample): void;
}

const CLASSES = ['bulk', 'default', 'interactive', 'system'] as const;

export function createSchedulerMetrics(
  registry: Registry,
  buckets: readonly number[],
): SchedulerMetrics {
  const registers = [registry];
  let read: (() => SchedulerSample) | undefined;
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const perClassGauge = (
    name: string,
    help: string,
    pick: (s: SchedulerSample) => readonly number[],
    aggregator: 'sum' | 'first' = 'sum',
  ) =>
    new Gauge<'class'>({
      name,
      help,
      labelNames: ['class'],
      registers,
      aggregator,
      collect() {
        if (!read) return;
        const v = pick(read());
        CLASSES.forEach((c, i) => this.set({ class: c }, v[i] ?? 0));
      },
    });
  const admit = counter(
    'smg_scheduler_admit_total',
    'Priority-scheduler admission outcomes by class and outcome',
    ['class', 'outcome'],
  );
  const wait = new Histogram<'class'>({
    name: 'smg_scheduler_queue_wait_seconds',
    help: 'Time a request spent queued before admission or timeout',
    labelNames: ['class'],
    registers,
    buckets: [...buckets],
  });
  const preempt = counter(
    'smg_scheduler_preemption_total',
    'Successful preemptions by victim class and preempting class',
    ['victim_class', 'by_class'],
  );
  const clamp = counter(
    'smg_scheduler_clamp_total',
    'Requests whose priority was clamped below the requested class by tenant policy',
    ['tenant', 'requested_class', 'effective_class'],
  );
  const unknown = counter(
    'smg_scheduler_unknown_priority_value_total',
    'Requests with an unrecognized priority header value (treated as default)',
    ['tenant'],
  );
  const starve = counter(
    'smg_scheduler_starvation_promotion_total',
    'Queued waiters admitted via the starvation override path',
    ['class'],
  );
  perClassGauge(
    'smg_scheduler_inflight',
    'Current in-flight request count per class',
    (s) => s.inflight,
  );
  perClassGauge(
    'smg_scheduler_queue_depth',
    'Current queued waiter count per class',
    (s) => s.queued,
  );
  perClassGauge(
    'smg_scheduler_queue_size_limit',
    'Configured queue limit per class',
    (s) => s.queueLimits,
    'first',
  );
  return {
    admit: (cls, outcome) => admit.inc({ class: cls, outcome }),
    queueWait: (cls, s) => wait.observe({ class: cls }, s),
    preemption: (victim, by) => preempt.inc({ victim_class: victim, by_class: by }),
    clamp: (tenant, requested, effective) =>
      clamp.inc({ tenant, requested_class: requested, effective_class: effective }),
    unknownPriority: (tenant) => unknown.inc({ tenant }),
    starvationPromotion: (cls) => starve.inc({ class: cls }),
    sample(r) {
      read = r;
    },
  };
}
