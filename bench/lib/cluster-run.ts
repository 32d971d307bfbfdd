/**
 * Runs a bench server (engine, floor relay) as one process or as N node:cluster workers. Each
 * worker binds the port itself (uWS SO_REUSEPORT, or node:http with SCHED_NONE, i.e. a shared
 * listen socket), so the primary never sits in the request path: it only forks and waits.
 *
 * Readiness: one line `{"msg":"ready",…}` on stdout once every process listens (the bench waits
 * for it with waitForOutput, since an HTTP probe succeeds as soon as the first worker is up).
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';

export const READY_MARKER = '"msg":"ready"';

/** `listen` binds and resolves with the bound port; it must reject when the bind fails. */
export type ListenFn = () => Promise<number>;

export function runProcesses(name: string, processes: number, listen: ListenFn): void {
  if (processes <= 1) {
    listen().then(
      (port) => announce(name, port, 1),
      (err: unknown) => fail(name, err),
    );
    return;
  }
  if (cluster.isPrimary) superviseWorkers(name, processes);
  else {
    listen().then(
      (port) => process.send?.({ listening: port }),
      (err: unknown) => fail(name, err),
    );
  }
}

function superviseWorkers(name: string, processes: number): void {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    const worker = cluster.fork();
    worker.on('message', (msg: unknown) => {
      if (typeof msg !== 'object' || msg === null || !('listening' in msg)) return;
      listening++;
      if (listening === processes) announce(name, Number(msg.listening), processes);
    });
  }
  // A worker that dies leaves the bench measuring fewer processes than it reports: stop loudly.
  cluster.on('exit', (worker, code, signal) => {
    process.stderr.write(`${name}: worker ${worker.process.pid} exited (${signal ?? code})\n`);
    process.exit(1);
  });
}

function announce(name: string, port: number, processes: number): void {
  process.stdout.write(`${JSON.stringify({ msg: 'ready', name, port, processes })}\n`);
}

function fail(name: string, err: unknown): void {
  process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/**
 * The command line of a bench engine: `--host --port --model --processes`; runs `listen`
 * (which builds and binds one server for `model`) in each process.
 */
export function runEngineMain(
  name: string,
  listen: (model: string, host: string, port: number) => Promise<number>,
): void {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      model: { type: 'string', default: 'mock-model' },
      processes: { type: 'string', default: '1' },
    },
  });
  const port = Number(values.port);
  const processes = Number(values.processes);
  if (processes > 1 && port === 0) throw new Error('--processes needs a fixed --port');
  runProcesses(name, processes, () => listen(values.model, values.host, port));
}
