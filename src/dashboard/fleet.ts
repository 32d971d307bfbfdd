import type { Worker } from '../core/worker';
import type { JobStatus } from '../control/jobs';
import type { PolledLoad } from '../control/load-monitor';
import { increase, SEP, type Sample } from './sample';
import { FLEET_STATUSES, type FleetStatus, type FleetView, type FleetWorker } from './types';

/** A registration job of a URL the registry does not hold (yet), with its reserved id. */
export interface JobEntry extends JobStatus {
  readonly id: string;
}

/** The readings a view compares: now, the interval's start (rates), the window's start. */
export interface Readings {
  readonly cur: Sample;
  readonly prev: Sample | undefined;
  readonly start: Sample | undefined;
}

/** Seconds between two readings; null without the earlier one. */
export function secondsBetween(cur: Sample, prev: Sample | undefined): number | null {
  if (prev === undefined) return null;
  const s = (cur.at - prev.at) / 1000;
  return s > 0 ? s : null;
}

/** An increase over an interval of `seconds`, per second, to 1/1000 (null without an interval). */
export function perSecond(n: number, seconds: number | null): number | null {
  return seconds === null ? null : Math.round((n / seconds) * 1000) / 1000;
}

/** a / b to 1/10000, null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null;
}

function workerRow(
  w: Worker,
  r: Readings,
  loads: ReadonlyMap<string, PolledLoad>,
  job?: JobStatus,
): FleetWorker {
  const { cur, prev, start } = r;
  const ok = `${w.url}${SEP}success`;
  const bad = `${w.url}${SEP}failure`;
  const attempts = (s: Sample): number => (s.outcomes.get(ok) ?? 0) + (s.outcomes.get(bad) ?? 0);
  const inWindow =
    increase(cur.outcomes, start?.outcomes, ok) + increase(cur.outcomes, start?.outcomes, bad);
  const failedInWindow = increase(cur.outcomes, start?.outcomes, bad);
  const load = loads.get(w.id);
  const live = cur.kvLive.get(w.url);
  return {
    id: w.id,
    url: w.url,
    model: w.modelId,
    worker_type: w.workerType ?? 'regular',
    runtime_type: w.runtimeType,
    status: w.status,
    healthy: w.status === 'ready',
    circuit: w.circuit,
    in_flight: cur.inFlight.get(w.url) ?? 0,
    engine_load: load !== undefined && load.load >= 0 ? load.load : null,
    kv_usage: load?.tokenUsage ?? null,
    kv_events: live === undefined ? null : { live: live > 0, blocks: cur.kvBlocks.get(w.url) ?? 0 },
    requests_total: attempts(cur),
    failures_total: cur.outcomes.get(bad) ?? 0,
    requests_per_s: perSecond(
      increase(cur.outcomes, prev?.outcomes, ok) + increase(cur.outcomes, prev?.outcomes, bad),
      secondsBetween(cur, prev),
    ),
    error_rate: ratio(failedInWindow, inWindow),
    job: job ? { type: job.job_type, status: job.status, message: job.message } : null,
  };
}

function jobRow(j: JobEntry): FleetWorker {
  return {
    id: j.id,
    url: j.worker_url,
    model: null,
    worker_type: 'regular',
    runtime_type: null,
    status: j.status === 'failed' ? 'registration_failed' : 'registering',
    healthy: false,
    circuit: null,
    in_flight: 0,
    engine_load: null,
    kv_usage: null,
    kv_events: null,
    requests_total: 0,
    failures_total: 0,
    requests_per_s: null,
    error_rate: null,
    job: { type: j.job_type, status: j.status, message: j.message },
  };
}

/**
 * Every worker of the registry (registry order), then every URL whose registration runs or
 * failed; per-worker counters are the instance's (/metrics labels workers by URL).
 */
export function fleetView(
  r: Readings,
  workers: readonly Worker[],
  jobs: readonly JobEntry[],
  loads: ReadonlyMap<string, PolledLoad>,
): FleetView {
  const byUrl = new Map(jobs.map((j) => [j.worker_url, j]));
  const rows = workers.map((w) => workerRow(w, r, loads, byUrl.get(w.url)));
  const registered = new Set(workers.map((w) => w.url));
  for (const j of jobs) {
    if (!registered.has(j.worker_url) && j.job_type !== 'RemoveWorker') rows.push(jobRow(j));
  }
  const counts = Object.fromEntries(FLEET_STATUSES.map((s) => [s, 0])) as Record<
    FleetStatus,
    number
  >;
  for (const row of rows) counts[row.status]++;
  return {
    workers: rows,
    counts,
    open_circuits: rows.filter((x) => x.circuit === 'open').length,
  };
}
