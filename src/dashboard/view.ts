import type { Worker } from '../core/worker';
import type { PolledLoad } from '../control/load-monitor';
import type { TokenizerRecord } from '../tokenizer/replica';
import type { WasmModuleRecord } from '../plugins/wasm/types';
import { fleetView, perSecond, secondsBetween, type JobEntry, type Readings } from './fleet';
import { routingView } from './routing';
import { SEP, total, totalIncrease } from './sample';
import type { ClusterView, InstanceView, PluginsView, Snapshot } from './types';

/** Everything one snapshot is made of (all read by the caller; this is pure). */
export interface ViewInput extends Readings {
  readonly instance: InstanceView;
  readonly workers: readonly Worker[];
  readonly jobs: readonly JobEntry[];
  readonly loads: ReadonlyMap<string, PolledLoad>;
  readonly tokenizers: readonly TokenizerRecord[];
  /** Registered WASM modules; undefined without --enable-wasm. */
  readonly wasm: readonly WasmModuleRecord[] | undefined;
  readonly cluster: ClusterView | null;
}

function pluginsView(r: Readings, modules: readonly WasmModuleRecord[]): PluginsView {
  const seconds = secondsBetween(r.cur, r.prev);
  const of = (uuid: string, result: string): number =>
    r.cur.wasm.get(`${uuid}${SEP}${result}`) ?? 0;
  const rows = modules.map((m) => {
    const mine = (k: string): boolean => k.startsWith(`${m.uuid}${SEP}`);
    return {
      uuid: m.uuid,
      name: m.name,
      attach_points: m.attachPoints.map((a) => a.Middleware),
      executions_total: total(r.cur.wasm, mine),
      failed_total: of(m.uuid, 'failed'),
      timeout_total: of(m.uuid, 'timeout'),
      executions_per_s: perSecond(totalIncrease(r.cur.wasm, r.prev?.wasm, mine), seconds),
    };
  });
  const failure = (k: string): boolean => !k.endsWith(`${SEP}success`);
  return {
    modules: rows,
    executions_total: total(r.cur.wasm),
    failures_total: total(r.cur.wasm, failure),
  };
}

const round = (v: number | null, digits = 3): number | null =>
  v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;

/** The console's snapshot of the instance (see types.ts for every field's meaning). */
export function buildSnapshot(i: ViewInput): Snapshot {
  const { cur, prev, start } = i;
  const interval = secondsBetween(cur, prev);
  return {
    version: 1,
    generated_at: new Date(cur.at).toISOString(),
    interval_s: round(interval),
    window_s: round(secondsBetween(cur, start)),
    instance: i.instance,
    totals: {
      requests_total: total(cur.requests),
      requests_per_s: perSecond(totalIncrease(cur.requests, prev?.requests), interval),
      errors_total: total(cur.errors),
      errors_per_s: perSecond(totalIncrease(cur.errors, prev?.errors), interval),
      in_flight: total(cur.inFlight),
    },
    fleet: fleetView(i, i.workers, i.jobs, i.loads),
    routing: routingView(i),
    cluster: i.cluster,
    plugins: i.wasm ? pluginsView(i, i.wasm) : null,
    tokenizers: i.tokenizers.map((t) => ({
      id: t.id,
      name: t.name,
      source: t.source,
      vocab_size: t.vocab_size,
    })),
  };
}
