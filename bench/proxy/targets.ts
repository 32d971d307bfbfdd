import path from 'node:path';
import {
  checkJsonRequest,
  checkSseRequest,
  startEngine,
  startFloor,
  startGateway,
  type RunningServer,
} from '../lib/collie';
import { openFileLimits } from '../lib/fd-limit';
import { startNginx } from '../lib/nginx';
import type { ProcessGroup } from '../lib/processes';
import type { ProxyBenchOptions, TargetKind } from './options';
import { streamWorkload, WORKLOAD } from './workload';
import { pinning } from './pinning';

/** One thing the load is pointed at: the engine itself, or a proxy in front of it. */
export interface Target {
  /** Stable id used in the JSON: `direct`, `floor-w1`, `collie-w1`, `collie-ca-w2`, `nginx-w2`, … */
  readonly id: string;
  readonly kind: TargetKind;
  /** Proxy processes serving requests (workers / worker_processes); null for direct. */
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
 * Open files a proxy process needs at worst: two sockets per slow stream (client and engine
 * side), plus headroom for wrk connections, pools and the runtime. Checked against the hard
 * RLIMIT_NOFILE (see bench/lib/fd-limit.ts) and used to size nginx.
 */
export function openFilesWanted(o: ProxyBenchOptions): number {
  const streams = o.phases.includes('slow-streams') ? o.slowStreams : 0;
  return 2 * streams + 1024 + 2 * Math.max(o.connections, o.rateConnections);
}

/**
 * Starts the engine and every requested target, all at once: idle ones cost nothing, and keeping
 * them up lets each round visit every configuration (interleaved runs spread machine drift evenly).
 * Each target is checked with one real request per workload before it is measured.
 */
export async function startTargets(
  group: ProcessGroup,
  o: ProxyBenchOptions,
  tools: TargetTools,
): Promise<StartedTargets> {
  const engine = await startEngine(group, {
    cpus: pinning(o).load,
    kind: o.engine,
    model: WORKLOAD.model,
    processes: o.engineProcesses,
    echo: o.verbose,
  });
  const targets: Target[] = [];
  if (o.targets.includes('direct')) {
    targets.push({
      id: 'direct',
      kind: 'direct',
      processes: null,
      label: `engine direct (${o.engine}${o.engineProcesses > 1 ? ` ×${o.engineProcesses}` : ''})`,
      url: engine.url,
      rootPid: engine.child.pid,
    });
  }
  for (const kind of o.targets) {
    if (kind === 'direct') continue;
    for (const n of o.workers) targets.push(await startProxy(group, kind, n, engine, o, tools));
  }
  for (const target of targets) await checkTarget(target, o);
  return { engine, targets };
}

async function checkTarget(target: Target, o: ProxyBenchOptions): Promise<void> {
  const url = target.url + WORKLOAD.path;
  await checkJsonRequest(url, 'POST', WORKLOAD.body, WORKLOAD.headers);
  if (!o.phases.includes('streaming') && !o.phases.includes('slow-streams')) return;
  const stream = streamWorkload(o.streamChunks);
  // collie's mock engine decides its own chunk count: only the framing is checked then
  await checkSseRequest(
    url,
    stream.body,
    stream.headers,
    o.engine === 'collie' ? undefined : stream.chunks,
  );
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
  const base = { id, kind, processes };
  switch (kind) {
    case 'floor': {
      const floor = await startFloor(group, {
        cpus: pinning(o).proxy(processes),
        upstreamUrl: engine.url,
        processes,
        echo: o.verbose,
      });
      const label = `floor (uWS+undici) ×${processes}`;
      return { ...base, label, url: floor.url, rootPid: floor.child.pid };
    }
    case 'collie':
    case 'collie-ca': {
      const policy = kind === 'collie' ? 'round_robin' : 'cache_aware';
      const gw = await startGateway(group, {
        cpus: pinning(o).proxy(processes),
        name: id,
        workerUrls: [engine.url],
        workers: processes,
        policy,
        logLevel: 'warn',
        echo: o.verbose,
        nodeOptions: o.collieNodeOptions,
      });
      const label = `collie ${policy} --workers ${processes}`;
      return { ...base, label, url: gw.url, rootPid: gw.child.pid };
    }
    case 'nginx':
      return startNginxTarget(group, { ...base, kind }, engine, o, tools);
  }
}

async function startNginxTarget(
  group: ProcessGroup,
  base: { id: string; kind: 'nginx'; processes: number },
  engine: RunningServer,
  o: ProxyBenchOptions,
  tools: TargetTools,
): Promise<Target> {
  if (tools.nginxPath === undefined) throw new Error('nginx binary not found');
  const want = openFilesWanted(o);
  const hard = openFileLimits()?.hard ?? want;
  const nginx = await startNginx(group, {
    cpus: pinning(o).proxy(base.processes),
    nginxPath: tools.nginxPath,
    workerProcesses: base.processes,
    upstreamHost: '127.0.0.1',
    upstreamPort: engine.port,
    dir: path.join(tools.tmpDir, base.id),
    workerConnections: Math.max(4096, want),
    workerOpenFiles: Math.min(hard, want + 64),
  });
  const label = `nginx worker_processes ${base.processes}`;
  return { ...base, label, url: nginx.url, rootPid: nginx.child.pid };
}
