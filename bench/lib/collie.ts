import path from 'node:path';
import { getFreePort } from './free-port';
import { httpRequest } from './http';
import { collieBin } from './paths';
import type { ManagedChild, ProcessGroup } from './processes';
import { READY_MARKER } from './cluster-run';
import { anyStatus, waitForHttp, waitForOutput } from './wait-ready';

export interface RunningServer {
  readonly child: ManagedChild;
  readonly port: number;
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly url: string;
}

/**
 * Which engine to run: `collie` = `bin/collie.js mock-engine`, `stub` = the node:http stand-in
 * in bench/lib/stub-engine.ts, `uws` = the uWebSockets.js engine in bench/lib/uws-engine.ts (the
 * cheapest per request).
 */
export type EngineKind = 'collie' | 'stub' | 'uws';
export const ENGINE_KINDS: readonly EngineKind[] = ['uws', 'stub', 'collie'];

export interface EngineOptions {
  readonly kind: EngineKind;
  readonly model: string;
  /** Extra arguments for `collie mock-engine` (e.g. a token delay); ignored by stub and uws. */
  readonly extraArgs?: readonly string[];
  /** Engine processes (stub and uws only; node:cluster). Default 1. */
  readonly processes?: number;
  readonly name?: string;
  readonly port?: number;
  /** CPUs to run on (see SpawnOptions.cpus); absent: unpinned. */
  readonly cpus?: string | undefined;
  /** Copy the engine's output to our stderr. Default false. */
  readonly echo?: boolean;
  readonly readyTimeoutMs?: number;
}

const ENGINE_SCRIPTS: Readonly<Record<Exclude<EngineKind, 'collie'>, string>> = {
  stub: 'stub-engine.js',
  uws: 'uws-engine.js',
};

/** Starts an engine as its own process (so its CPU is never mixed with ours) and waits for it. */
export async function startEngine(group: ProcessGroup, o: EngineOptions): Promise<RunningServer> {
  const port = o.port ?? (await getFreePort());
  const common = ['--host', '127.0.0.1', '--port', String(port), '--model', o.model];
  const args =
    o.kind === 'collie'
      ? [collieBin, 'mock-engine', ...common, ...(o.extraArgs ?? [])]
      : [
          path.join(__dirname, ENGINE_SCRIPTS[o.kind]),
          ...common,
          ...['--processes', String(o.processes ?? 1)],
        ];
  const child = group.spawn(o.name ?? `engine-${o.kind}`, process.execPath, args, {
    echo: o.echo ?? false,
    cpus: o.cpus,
  });
  const url = `http://127.0.0.1:${port}`;
  if (o.kind !== 'collie') await waitForOutput(child, READY_MARKER, timeout(o));
  // Any HTTP answer means it is listening; the caller checks the workload with a real request.
  await waitForHttp(`${url}/v1/models`, { accept: anyStatus, child, ...timeout(o) });
  return { child, port, url };
}

export interface FloorOptions {
  readonly upstreamUrl: string;
  /** CPUs to run on (see SpawnOptions.cpus); absent: unpinned. */
  readonly cpus?: string | undefined;
  readonly processes: number;
  readonly echo?: boolean;
  readonly readyTimeoutMs?: number;
}

/** Starts bench/lib/floor-relay.js (the minimal uWS + undici relay) in front of one engine. */
export async function startFloor(group: ProcessGroup, o: FloorOptions): Promise<RunningServer> {
  const port = await getFreePort();
  const args = [
    path.join(__dirname, 'floor-relay.js'),
    ...['--host', '127.0.0.1', '--port', String(port)],
    ...['--upstream', o.upstreamUrl, '--processes', String(o.processes)],
  ];
  const child = group.spawn(`floor-w${o.processes}`, process.execPath, args, {
    echo: o.echo ?? false,
    cpus: o.cpus,
  });
  await waitForOutput(child, READY_MARKER, timeout(o));
  return { child, port, url: `http://127.0.0.1:${port}` };
}

export interface GatewayOptions {
  readonly workerUrls: readonly string[];
  /** bin/collie.js of another build (comparing builds); default this checkout's. */
  readonly collieBin?: string;
  /** CPUs to run on (see SpawnOptions.cpus); absent: unpinned. */
  readonly cpus?: string | undefined;
  /** --workers: ingress processes. */
  readonly workers: number;
  readonly policy?: string;
  readonly logLevel?: string;
  readonly port?: number;
  readonly name?: string;
  readonly echo?: boolean;
  readonly readyTimeoutMs?: number;
  /** More flags (e.g. PD's --prefill/--decode; then workerUrls may be empty). */
  readonly extraArgs?: readonly string[];
  /** NODE_OPTIONS for the gateway's processes (V8 flags); absent: inherited. */
  readonly nodeOptions?: string | undefined;
}

/** Starts `bin/collie.js launch` and waits until GET /readiness returns 200. */
export async function startGateway(group: ProcessGroup, o: GatewayOptions): Promise<RunningServer> {
  const port = o.port ?? (await getFreePort());
  const args = [
    ...[o.collieBin ?? collieBin, 'launch', '--host', '127.0.0.1', '--port', String(port)],
    ...(o.workerUrls.length > 0 ? ['--worker-urls', ...o.workerUrls] : []),
    ...['--workers', String(o.workers)],
    ...['--policy', o.policy ?? 'round_robin', '--log-level', o.logLevel ?? 'warn'],
    // several gateways run side by side: each gets its own free metrics port
    ...['--prometheus-host', '127.0.0.1', '--prometheus-port', '0'],
    ...(o.extraArgs ?? []),
  ];
  const env =
    o.nodeOptions === undefined ? undefined : { ...process.env, NODE_OPTIONS: o.nodeOptions };
  const child = group.spawn(o.name ?? `collie-w${o.workers}`, process.execPath, args, {
    echo: o.echo ?? false,
    cpus: o.cpus,
    ...(env ? { env } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readiness`, { child, ...timeout(o) });
  return { child, port, url };
}

function timeout(o: { readonly readyTimeoutMs?: number }): { timeoutMs?: number } {
  return o.readyTimeoutMs !== undefined ? { timeoutMs: o.readyTimeoutMs } : {};
}

/**
 * Sends one request and checks the answer is a 200 with a JSON body, so a benchmark never
 * measures a fast error path by mistake. Throws with the status and body otherwise.
 */
export async function checkJsonRequest(
  url: string,
  method: string,
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
): Promise<unknown> {
  const res = await httpRequest(url, {
    method,
    headers,
    timeoutMs: 10_000,
    ...(body !== undefined ? { body } : {}),
  });
  if (res.status !== 200) {
    throw new Error(`${method} ${url} → HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  }
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    throw new Error(`${method} ${url} → 200 but not JSON: ${res.body.slice(0, 500)}`);
  }
}

/**
 * Sends one streaming request and checks the answer is a 200 text/event-stream that ends with
 * `data: [DONE]` after `chunks` data events (undefined = any number), so a streaming run never
 * measures an error or a buffered answer by mistake.
 */
export async function checkSseRequest(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  chunks: number | undefined,
): Promise<void> {
  const res = await httpRequest(url, { method: 'POST', headers, timeoutMs: 30_000, body });
  const type = String(res.headers['content-type'] ?? '');
  const events = res.body.split('data: ').length - 2; // minus the text before the first, and [DONE]
  const problem =
    res.status !== 200
      ? `HTTP ${res.status}`
      : !type.startsWith('text/event-stream')
        ? `content-type ${type}`
        : !res.body.endsWith('data: [DONE]\n\n')
          ? 'no data: [DONE] at the end'
          : chunks !== undefined && events !== chunks
            ? `${events} chunks, expected ${chunks}`
            : undefined;
  if (problem !== undefined) {
    throw new Error(`POST ${url} (stream) → ${problem}: ${res.body.slice(0, 500)}`);
  }
}
