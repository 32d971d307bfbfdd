import os from 'node:os';
import type { ProxyBenchOptions } from './options';

/**
 * CPU placement with --pin: each proxy gets CPUs of its own (0 … P−1 for P processes) and the
 * load side (engine, wrk) the others (from max(--workers) on), so the proxy measured never
 * shares a core — and the caches — with the load generator or the engine, as a gateway on
 * dedicated cores in production. Without --pin every process floats (the scheduler decides).
 */
export interface Pinning {
  /** CPUs of a proxy with `processes` processes; undefined when unpinned. */
  proxy(processes: number): string | undefined;
  /** CPUs of the engine and the load generators; undefined when unpinned. */
  readonly load: string | undefined;
}

const range = (from: number, to: number): string => (from === to ? `${from}` : `${from}-${to}`);

export function pinning(
  o: Pick<ProxyBenchOptions, 'pin' | 'workers'>,
  cpus = os.cpus().length,
): Pinning {
  if (!o.pin) return { proxy: () => undefined, load: undefined };
  const widest = Math.max(...o.workers);
  return {
    proxy: (processes) => range(0, processes - 1),
    load: range(widest, cpus - 1),
  };
}

/** Why --pin cannot work here, or undefined. */
export function pinningProblem(
  o: Pick<ProxyBenchOptions, 'pin' | 'workers'>,
  cpus = os.cpus().length,
): string | undefined {
  if (!o.pin) return undefined;
  const widest = Math.max(...o.workers);
  if (cpus <= widest) {
    return `--pin needs more CPUs (${cpus}) than the widest proxy's processes (${widest}): use --workers ${Math.max(1, cpus - 1)}`;
  }
  return undefined;
}
