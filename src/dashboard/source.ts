import type { WorkerRegistry } from '../core/registry';
import type { JobTable } from '../control/jobs';
import type { LoadPoller } from '../control/load-monitor';
import type { TokenizerRecord } from '../tokenizer/replica';
import type { WasmModuleRecord } from '../plugins/wasm/types';
import { readSample, type Sample } from './sample';
import { buildSnapshot } from './view';
import type { JobEntry } from './fleet';
import type { ClusterView, InstanceView } from './types';

/** Snapshots closer together than this are one (every watcher of every process shares it). */
export const MIN_INTERVAL_MS = 900;
/** Ratios and percentiles cover this much history. */
export const WINDOW_MS = 60_000;
/** Engine loads are polled at most this often, and only while snapshots are asked for. */
export const LOAD_MAX_AGE_MS = 2000;
/** The first snapshot waits this long at most for the engines' loads. */
const FIRST_LOAD_WAIT_MS = 1000;

export interface DashboardSourceDeps {
  /** The instance's metrics as /metrics serves them (prom-client JSON, every process merged). */
  readonly metricsJson: () => Promise<readonly unknown[]>;
  readonly registry: WorkerRegistry;
  readonly jobs: JobTable;
  readonly loads: LoadPoller;
  readonly tokenizers: () => readonly TokenizerRecord[];
  /** Absent without --enable-wasm. */
  readonly wasm?: () => readonly WasmModuleRecord[];
  /** Absent without --redis-url. */
  readonly cluster?: () => Promise<ClusterView>;
  readonly instance: InstanceView;
  /** Wall clock, ms. */
  readonly now?: () => number;
}

/** The primary's side of the console: one serialised snapshot per tick, whoever asks. */
export interface DashboardSource {
  /** The snapshot JSON; built at most once per MIN_INTERVAL_MS (callers in between share it). */
  snapshot(): Promise<string>;
}

/**
 * Builds snapshots on demand only: no timer runs here. Each build reads the metrics aggregate
 * once and keeps it as a sample for WINDOW_MS, so rates are differences to the previous
 * sample and windowed figures differences to the oldest one kept.
 */
export function createDashboardSource(d: DashboardSourceDeps): DashboardSource {
  const now = d.now ?? Date.now;
  let history: Sample[] = [];
  let cached: { at: number; json: string } | undefined;
  let building: Promise<string> | undefined;

  function jobEntries(): JobEntry[] {
    return d.jobs
      .list()
      .filter((j) => j.job_type !== 'RemoveWorker')
      .map((j) => ({ ...j, id: d.registry.reserveId(j.worker_url) }));
  }

  async function loads(): Promise<ReturnType<LoadPoller['latest']>> {
    // the first snapshot waits (a little) for a poll; later ones use the last and refresh behind
    const polling = d.loads.refresh(LOAD_MAX_AGE_MS).catch(() => undefined);
    if (d.loads.latest().size === 0) {
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((r) => (timer = setTimeout(r, FIRST_LOAD_WAIT_MS)));
      await Promise.race([polling, cap]);
      clearTimeout(timer);
    }
    return d.loads.latest();
  }

  async function build(): Promise<string> {
    const [json, latest, cluster] = await Promise.all([
      d.metricsJson(),
      loads(),
      d.cluster ? d.cluster().catch(() => null) : Promise.resolve(null),
    ]);
    const at = now();
    const cur = readSample(json, at);
    history = history.filter((s) => s.at >= at - WINDOW_MS && s.at < at);
    const snapshot = buildSnapshot({
      cur,
      prev: history.at(-1),
      start: history[0],
      instance: d.instance,
      workers: d.registry.list(),
      jobs: jobEntries(),
      loads: latest,
      tokenizers: d.tokenizers(),
      wasm: d.wasm?.(),
      cluster,
    });
    history.push(cur);
    const out = JSON.stringify(snapshot);
    cached = { at, json: out };
    return out;
  }

  return {
    snapshot() {
      if (cached && now() - cached.at < MIN_INTERVAL_MS) return Promise.resolve(cached.json);
      building ??= build().finally(() => (building = undefined));
      return building;
    },
  };
}
