import { parseLaunchArgs } from '../../src/config/parse';
import { startSingleProcess } from '../../src/cluster/single';
import { silentLogger } from '../../src/util/logger';
import { startMockEngine, type MockEngine, type MockEngineOptions } from '../../src/mock-engine';

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  /** Base URL of the Prometheus listener. */
  readonly metricsUrl: string;
  /** Cluster-wide in-flight count the gateway holds for the engine at `url`. */
  inflight(url: string): number;
  close(): Promise<void>;
}

/** An in-process single-process gateway on 127.0.0.1:0 with the given extra flags. */
export async function startTestGateway(flags: string[]): Promise<TestGateway> {
  const config = parseLaunchArgs([
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--workers',
    '1',
    '--prometheus-host',
    '127.0.0.1',
    '--prometheus-port',
    '0',
    ...flags,
  ]);
  const gw = await startSingleProcess(config, silentLogger());
  await gw.startupDone;
  return {
    url: `http://127.0.0.1:${gw.port}`,
    port: gw.port,
    metricsUrl: `http://127.0.0.1:${gw.metricsPort}`,
    inflight: (url) => {
      const w = gw.ingress.router.workers().find((x) => x.url === url);
      return w ? gw.ingress.loads.get(w.id) : 0;
    },
    close: () => gw.close(200),
  };
}

/** Starts `n` mock engines on free ports. */
export async function startEngines(n: number, opts: MockEngineOptions = {}): Promise<MockEngine[]> {
  return Promise.all(
    Array.from({ length: n }, () => startMockEngine({ host: '127.0.0.1', port: 0, ...opts })),
  );
}

interface Closable {
  close(): Promise<void>;
}

export async function closeAll(...things: Array<Closable | readonly Closable[]>): Promise<void> {
  const flat: Closable[] = [];
  for (const t of things) {
    if ('close' in t) flat.push(t);
    else flat.push(...t);
  }
  await Promise.allSettled(flat.map((t) => t.close()));
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Polls `cond` every 10 ms until true or `ms` passed. */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}
