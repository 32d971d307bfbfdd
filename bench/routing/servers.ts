import { setTimeout as sleep } from 'node:timers/promises';
import { getFreePort } from '../lib/free-port';
import { httpRequest } from '../lib/http';
import { collieBin } from '../lib/paths';
import { describeExit, type ManagedChild, type ProcessGroup } from '../lib/processes';
import { waitForHttp } from '../lib/wait-ready';

export interface EngineFleet {
  readonly child: ManagedChild;
  /** http://127.0.0.1:<port> of each engine, no trailing slash. */
  readonly urls: readonly string[];
}

export interface EngineFleetOptions {
  readonly count: number;
  readonly kvCapacityTokens: number;
  readonly blockSize: number;
  readonly prefillTps: number;
  /** Engine-wide FIFO prefill (a compute-bound engine) instead of per-request speed. */
  readonly prefillShared: boolean;
  readonly tokenDelayMs: number;
  readonly model: string;
}

/** Starts `collie mock-engine --count K` as one child and parses the engine URLs it prints. */
export async function startEngineFleet(
  group: ProcessGroup,
  o: EngineFleetOptions,
): Promise<EngineFleet> {
  const args = [
    collieBin,
    'mock-engine',
    ...['--host', '127.0.0.1', '--port', '0', '--count', String(o.count)],
    ...['--model', o.model, '--kv-capacity-tokens', String(o.kvCapacityTokens)],
    ...['--block-size', String(o.blockSize), '--prefill-tps', String(o.prefillTps)],
    ...['--token-delay-ms', String(o.tokenDelayMs)],
    ...(o.prefillShared ? ['--prefill-shared'] : []),
  ];
  const child = group.spawn('mock-engines', process.execPath, args);
  const deadline = Date.now() + 30_000;
  let urls: string[] = [];
  while (Date.now() < deadline) {
    if (child.hasExited()) throw new Error(describeExit(child, await child.exited));
    urls = [...child.stdout().matchAll(/^mock-engine (http:\/\/\S+)/gm)].map((m) => m[1] ?? '');
    if (urls.length >= o.count) break;
    await sleep(50);
  }
  if (urls.length < o.count) throw new Error(`mock engines not up: ${describeExit(child)}`);
  const clean = urls.slice(0, o.count).map((u) => u.replace(/\/+$/, ''));
  for (const u of clean) await waitForHttp(`${u}/v1/models`, { child });
  return { child, urls: clean };
}

/** POST /flush_cache on every engine; throws unless each answers 2xx. */
export async function flushEngines(urls: readonly string[]): Promise<void> {
  await Promise.all(
    urls.map(async (u) => {
      const res = await httpRequest(`${u}/flush_cache`, { method: 'POST', timeoutMs: 10_000 });
      if (res.status < 200 || res.status >= 300) {
        throw new Error(`POST ${u}/flush_cache → HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      }
    }),
  );
}

export interface GatewaySpec {
  readonly name: string;
  readonly workerUrls: readonly string[];
  readonly workers: number;
  readonly policy: string;
  readonly extraArgs: readonly string[];
}

export interface RunningGateway {
  readonly child: ManagedChild;
  readonly url: string;
}

/**
 * `collie launch` with the bench's fixed flags plus `extraArgs` (bench/lib/collie.ts's
 * startGateway takes no extra flags, which --cache-aware-mode and --redis-url need).
 */
export async function startGatewayWith(
  group: ProcessGroup,
  s: GatewaySpec,
): Promise<RunningGateway> {
  const port = await getFreePort();
  const args = [
    ...[collieBin, 'launch', '--host', '127.0.0.1', '--port', String(port)],
    ...['--worker-urls', ...s.workerUrls, '--workers', String(s.workers)],
    ...['--policy', s.policy, '--log-level', 'warn'],
    ...['--prometheus-host', '127.0.0.1', '--prometheus-port', '0'],
    ...s.extraArgs,
  ];
  const child = group.spawn(s.name, process.execPath, args);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readiness`, { child, timeoutMs: 30_000 });
  return { child, url };
}

export interface RunningRedis {
  readonly child: ManagedChild;
  readonly url: string;
}

/** A throwaway redis-server on a free loopback port, no persistence. */
export async function startRedis(group: ProcessGroup): Promise<RunningRedis> {
  const port = await getFreePort();
  const child = group.spawn('redis', 'redis-server', [
    ...['--port', String(port), '--bind', '127.0.0.1'],
    ...['--save', '', '--appendonly', 'no'],
  ]);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.hasExited()) throw new Error(describeExit(child, await child.exited));
    if (/Ready to accept connections/i.test(child.stdout())) {
      return { child, url: `redis://127.0.0.1:${port}` };
    }
    await sleep(50);
  }
  throw new Error(`redis-server not ready: ${describeExit(child)}`);
}

/** Worker id → engine URL from the gateway's GET /workers (ids differ per instance). */
export async function workerIdsToUrls(gatewayUrl: string): Promise<Map<string, string>> {
  const res = await httpRequest(`${gatewayUrl}/workers`, { timeoutMs: 5000 });
  const out = new Map<string, string>();
  if (res.status !== 200) return out;
  const body = JSON.parse(res.body) as unknown;
  const list =
    typeof body === 'object' && body !== null && 'workers' in body ? body.workers : undefined;
  if (!Array.isArray(list)) return out;
  for (const w of list as unknown[]) {
    if (typeof w !== 'object' || w === null || !('id' in w) || !('url' in w)) continue;
    if (typeof w.id === 'string' && typeof w.url === 'string') out.set(w.id, w.url);
  }
  return out;
}
