import { Agent, request } from 'undici';
import { startCliGateway, waitFor, type Proc } from './processes';

/** One `collie launch` instance of a test cluster. */
export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly proc: Proc;
}

export async function startInstance(
  name: string,
  redisUrl: string,
  extra: string[] = [],
): Promise<Instance> {
  const { proc, url } = await startCliGateway(
    [
      ...['--redis-url', redisUrl, '--mesh-server-name', name],
      ...['--workers', '1', '--shutdown-grace-period-secs', '2'],
      ...extra,
    ],
    { waitReady: false },
  );
  await live(url, proc);
  return { name, url, proc };
}

/** Waits for /liveness (readiness needs a healthy worker, which not every instance has). */
export async function live(url: string, proc: Proc): Promise<void> {
  await waitFor(`${url}/liveness`).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- gateway output ---\n${proc.output()}`);
  });
}

export interface JsonReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

const agent = new Agent({ connections: 64 });

/** GET/POST with a JSON body; never throws on a status. */
export async function call(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonReply> {
  const r = await request(url, {
    method,
    dispatcher: agent,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await r.body.text();
  return {
    status: r.statusCode,
    headers: r.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

/** Polls `fn` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Node names an instance lists in /ha/status. */
export async function nodeNames(inst: Instance): Promise<string[]> {
  const r = await call(`${inst.url}/ha/status`);
  return r.json<{ nodes: Array<{ name: string }> }>().nodes.map((n) => n.name);
}

/** Resolves when the process exited; its exit code. */
export function exited(p: Proc, ms = 20_000): Promise<number | null> {
  const c = p.child;
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c.exitCode);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('process did not exit')), ms);
    c.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/**
 * Offers `perSecond` chat requests per second to each URL for `seconds`, not waiting for
 * answers between sends; returns the statuses and the measured sending time.
 */
export async function offer(
  urls: readonly string[],
  perSecond: number,
  seconds: number,
): Promise<{ statuses: number[]; elapsedSec: number }> {
  const body = { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] };
  const pending: Array<Promise<number>> = [];
  const total = Math.round(perSecond * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const u of urls) {
      pending.push(
        call(`${u}/v1/chat/completions`, 'POST', body).then(
          (r) => r.status,
          () => 0,
        ),
      );
    }
  }
  const elapsedSec = (performance.now() - start) / 1000 + 1 / perSecond;
  return { statuses: await Promise.all(pending), elapsedSec };
}
