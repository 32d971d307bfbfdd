import { Agent, request } from 'undici';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';

export const COLLIE_BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'collie.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * The first of `n` consecutive ports that were all free a moment ago (for `mock-engine
 * --count n`, which listens on port, port+1, …). Candidates come from below the kernel's
 * ephemeral range (32768+), where the outgoing connections of a busy machine never sit.
 */
export async function freePortRun(n: number): Promise<number> {
  const bind = (port: number): Promise<net.Server | undefined> =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(undefined));
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    const held: net.Server[] = [];
    for (let i = 0; i < n; i++) {
      const s = await bind(first + i);
      if (!s) break;
      held.push(s);
    }
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
    if (held.length === n) return first;
  }
  throw new Error(`no run of ${n} free ports found`);
}

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `node bin/collie.js …`; stop() sends SIGTERM, then SIGKILL after 5 s. */
export function runCollie(args: string[]): Proc {
  const child = spawn(process.execPath, [COLLIE_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function waitFor(url: string, status = 200, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === status) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer ${status} within ${ms} ms`);
}

/** Direct children of a pid (Linux /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // process went away
    }
  }
  return out;
}

/** utime + stime of a pid in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** A finished POST made on a brand-new connection (so the kernel spreads requests over ingress processes). */
export interface FreshResponse {
  readonly status: number;
  header(name: string): string | undefined;
  readonly text: string;
}

export async function freshPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<FreshResponse> {
  const agent = new Agent({ connections: 1 });
  try {
    const r = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await r.body.text();
    return {
      status: r.statusCode,
      header: (name) => {
        const v = r.headers[name];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      text,
    };
  } finally {
    await agent.close();
  }
}

/** `collie mock-engine --count n` on free loopback ports, healthy before it returns. */
export async function startCliEngines(
  count: number,
  extra: string[] = [],
): Promise<{ proc: Proc; urls: string[] }> {
  // --port 0: every engine binds its own ephemeral port and prints its URL (consecutive ports
  // from one free port could collide with whatever holds the next ones)
  const proc = runCollie([
    'mock-engine',
    ...['--host', '127.0.0.1', '--port', '0', '--count', String(count)],
    ...extra,
  ]);
  const end = Date.now() + 30_000;
  let urls: string[] = [];
  while (urls.length < count) {
    if (proc.child.exitCode !== null || Date.now() > end) {
      await proc.stop();
      throw new Error(`mock engines did not start:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
    urls = [...proc.output().matchAll(/^mock-engine (http:\/\/\S+)/gm)].map((m) =>
      (m[1] ?? '').replace(/\/+$/, ''),
    );
  }
  for (const u of urls) await waitFor(`${u}/health`);
  return { proc, urls };
}

/** `collie launch` on loopback with its own metrics port, ready before it returns. */
export async function startCliGateway(
  args: string[],
  opts: { metricsPort?: number; waitReady?: boolean } = {},
): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = runCollie([
    'launch',
    ...['--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn'],
    ...['--prometheus-host', '127.0.0.1', '--prometheus-port', String(opts.metricsPort ?? 0)],
    ...args,
  ]);
  if (opts.waitReady !== false) {
    await waitFor(`${url}/readiness`).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- gateway output ---\n${proc.output()}`);
    });
  }
  return { proc, url };
}
