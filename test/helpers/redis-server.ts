import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './processes';

/**
 * A private `redis-server` on 127.0.0.1 for tests: no persistence, its own temp dir, stopped by
 * pid. Binary: $REDIS_SERVER_BIN, /usr/bin/redis-server, or the first `redis-server` on PATH.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Pid of the running server (undefined while stopped). */
  readonly pid: number | undefined;
  /** SIGTERM, SIGKILL after 2 s; resolves when it exited. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted); also after stop(). */
  restart(): Promise<void>;
}

export function findRedisServer(): string | undefined {
  const candidates = [
    process.env.REDIS_SERVER_BIN,
    '/usr/bin/redis-server',
    ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'redis-server')),
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * `skip` option for suites needing Redis: a reason when redis-server is missing, except under
 * CI=true, where the suite runs and fails (a missing binary must not pass silently in CI).
 */
export function redisSkip(): string | false {
  if (findRedisServer() || process.env.CI === 'true') return false;
  return 'redis-server not installed (set REDIS_SERVER_BIN); required when CI=true';
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export async function startRedisServer(
  opts: { port?: number; extraArgs?: readonly string[] } = {},
): Promise<RedisServer> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server not found (install it or set REDIS_SERVER_BIN)');
  const port = opts.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-redis-'));
  const extra = opts.extraArgs ?? [];
  let child: ChildProcess | undefined = await spawnServer(bin, port, dir, extra);

  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (c) await kill(c);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stop();
      fs.mkdirSync(dir, { recursive: true });
      child = await spawnServer(bin, port, dir, extra);
    },
  };
}

async function spawnServer(
  bin: string,
  port: number,
  dir: string,
  extra: readonly string[],
): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', ...extra);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.once('exit', () => running.delete(child));
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) break;
    if (await ping(port)) return child;
    await new Promise((r) => setTimeout(r, 20));
  }
  await kill(child);
  throw new Error(`redis-server on port ${port} did not answer PING:\n${out}`);
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when something on the port answers PING with +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

export interface RedisCluster {
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,… (collie's --redis-url form). */
  readonly url: string;
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

/**
 * A private Redis Cluster of `n` masters on 127.0.0.1 (no replicas): slots split evenly with
 * CLUSTER ADDSLOTSRANGE, nodes joined with CLUSTER MEET, ready once every node reports
 * cluster_state:ok. Stopped by pid like startRedisServer.
 */
export async function startRedisCluster(n = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < n; i++) {
      nodes.push(
        await startRedisServer({
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
        }),
      );
    }
    const clients = nodes.map((s) => new Redis(s.port, '127.0.0.1', { lazyConnect: false }));
    try {
      const per = Math.ceil(16384 / n);
      for (let i = 0; i < n; i++) {
        const from = i * per;
        const to = Math.min(16383, from + per - 1);
        await clients[i]?.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to));
      }
      for (let i = 1; i < n; i++) {
        await clients[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[i]?.port));
      }
      const end = Date.now() + 15_000;
      for (;;) {
        const infos = await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO')));
        if (infos.every((t) => String(t).includes('cluster_state:ok'))) break;
        if (Date.now() > end) throw new Error(`redis cluster not ok:\n${String(infos[0])}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      for (const c of clients) c.disconnect();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis+cluster://${nodes.map((s) => `127.0.0.1:${s.port}`).join(',')}`,
    nodes,
    stop,
  };
}
