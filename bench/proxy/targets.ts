import path from 'node:path';
import { checkJsonRequest, startEngine, startGateway, type RunningServer } from '../lib/collie';
import { startNginx } from '../lib/nginx';
import type { ProcessGroup } from '../lib/processes';
import type { ProxyBenchOptions, TargetKind } from './options';
import { WORKLOAD } from './workload';

/** One thing wrk is pointed at: the engine itself, or a proxy in front of it. */
export interface Target {
  /** Stable id used in the JSON: `direct`, `collie-w1`, `nginx-w2`, … */
  readonly id: string;
  readonly kind: TargetKind;
  /** Proxy processes serving requests (collie --workers / nginx worker_processes); null for direct. */
  readonly processes: number | null;
  readonly label: string;
  /** Base URL, no trailing slash. */
  readonly url: string;
  /** Root of the process tree whose CPU is charged to this target (the engine for direct). */
  readonly rootPid: number;
}

export interface StartedTargets {
  readonly engine: RunningServer;
  readonly targets: readonly Target[];
}

export interface TargetTools {
  readonly nginxPath: string | undefined;
  readonly tmpDir: string;
}

/**
 * Starts the engine and every requested target, all at once: idle ones cost nothing, and keeping
 * them up lets each round visit every configuration (interleaved runs spread machine drift evenly).
 * Each target is checked with one real workload request before it is measured.
 */
export async function startTargets(
  group: ProcessGroup,
  o: ProxyBenchOptions,
  tools: TargetTools,
): Promise<StartedTargets> {
  const echo = o.verbose;
  const engine = await startEngine(group, { kind: o.engine, model: WORKLOAD.model, echo });
  const targets: Target[] = [];
  if (o.targets.includes('direct')) {
    targets.push({
      id: 'direct',
      kind: 'direct',
      processes: null,
      label: `engine direct (${o.engine})`,
      url: engine.url,
      rootPid: engine.child.pid,
    });
  }
  for (const kind of o.targets) {
    if (kind === 'direct') continue;
    for (const n of o.workers) targets.push(await startProxy(group, kind, n, engine, o, tools));
  }
  for (const target of targets) {
    await checkJsonRequest(target.url + WORKLOAD.path, 'POST', WORKLOAD.body, WORKLOAD.headers);
  }
  return { engine, targets };
}

async function startProxy(
  group: ProcessGroup,
  kind: Exclude<TargetKind, 'direct'>,
  processes: number,
  engine: RunningServer,
  o: ProxyBenchOptions,
  tools: TargetTools,
): Promise<Target> {
  const id = `${kind}-w${processes}`;
  switch (kind) {
    case 'collie': {
      const gw = await startGateway(group, {
        workerUrls: [engine.url],
        workers: processes,
        policy: 'round_robin',
        logLevel: 'warn',
        echo: o.verbose,
      });
      const label = `collie --workers ${processes}`;
      return { id, kind, processes, label, url: gw.url, rootPid: gw.child.pid };
    }
    case 'nginx': {
      if (tools.nginxPath === undefined) throw new Error('nginx binary not found');
      const nginx = await startNginx(group, {
        nginxPath: tools.nginxPath,
        workerProcesses: processes,
        upstreamHost: '127.0.0.1',
        upstreamPort: engine.port,
        dir: path.join(tools.tmpDir, id),
      });
      const label = `nginx worker_processes ${processes}`;
      return { id, kind, processes, label, url: nginx.url, rootPid: nginx.child.pid };
    }
  }
}
