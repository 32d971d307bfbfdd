import { spawn, type ChildProcess } from 'node:child_process';

/** How a child ended. `error` is set when it could not be started (e.g. ENOENT). */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last {@link OUTPUT_CAP} characters written to stdout. */
  stdout(): string;
  /** The last {@link OUTPUT_CAP} characters written to stderr. */
  stderr(): string;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Copy the child's output to our stderr, each line prefixed with `[name] `. Default false. */
  readonly echo?: boolean;
  /**
   * Run on these CPUs only (`taskset -c <cpus>`, a list such as "0" or "1-3"); what the child
   * forks inherits the mask. Absent: wherever the scheduler puts it.
   */
  readonly cpus?: string | undefined;
}

/** Characters of stdout and of stderr kept per child (older output is dropped). */
export const OUTPUT_CAP = 64 * 1024;

/**
 * Owns every process a bench script starts. Each child is the leader of its own process group
 * (`detached`), so stopping it also stops what it forked (nginx workers, cluster processes) and a
 * Ctrl-C in the terminal reaches only the bench script, which then stops the children itself.
 */
export interface ProcessGroup {
  spawn(name: string, command: string, args: readonly string[], opts?: SpawnOptions): ManagedChild;
  /** SIGTERM to the child's group, SIGKILL after `graceMs` (default 3000 ms) if still running. */
  stop(child: ManagedChild, graceMs?: number): Promise<void>;
  stopAll(graceMs?: number): Promise<void>;
  /** SIGKILL every group still alive; synchronous, for the 'exit' handler. */
  killAllSync(): void;
  /** Registers a synchronous cleanup step (e.g. removing a temp dir) run after the children stop. */
  onCleanup(step: () => void): void;
  runCleanupSteps(): void;
}

export function createProcessGroup(): ProcessGroup {
  const children = new Set<ManagedChild>();
  const cleanupSteps: (() => void)[] = [];

  const stop = async (child: ManagedChild, graceMs = 3000): Promise<void> => {
    if (!child.hasExited()) {
      signalGroup(child.pid, 'SIGTERM');
      const timedOut = await waitOrTimeout(child.exited, graceMs);
      if (timedOut) signalGroup(child.pid, 'SIGKILL');
      await waitOrTimeout(child.exited, graceMs);
    }
    // Members the leader left behind (it may exit before its workers do).
    signalGroup(child.pid, 'SIGKILL');
    children.delete(child);
  };

  return {
    spawn(name, command, args, opts = {}) {
      const child = spawnManaged(name, command, args, opts);
      children.add(child);
      void child.exited.then(() => {
        if (child.pid <= 0) children.delete(child);
      });
      return child;
    },
    stop,
    async stopAll(graceMs) {
      await Promise.all([...children].map((c) => stop(c, graceMs)));
    },
    killAllSync() {
      for (const child of children) signalGroup(child.pid, 'SIGKILL');
      children.clear();
    },
    onCleanup(step) {
      cleanupSteps.push(step);
    },
    runCleanupSteps() {
      for (const step of cleanupSteps.splice(0)) {
        try {
          step();
        } catch {
          // Best effort: a failed cleanup step must not hide the original error.
        }
      }
    },
  };
}

function spawnManaged(
  name: string,
  command: string,
  args: readonly string[],
  opts: SpawnOptions,
): ManagedChild {
  // taskset execs the command: the pid, signals and exit status are the command's own
  const [cmd, argv] =
    opts.cpus !== undefined ? ['taskset', ['-c', opts.cpus, command, ...args]] : [command, args];
  const proc = spawn(cmd, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let done = false;
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    out = (out + chunk).slice(-OUTPUT_CAP);
    if (opts.echo === true) echoLines(name, chunk);
  });
  proc.stderr.on('data', (chunk: string) => {
    err = (err + chunk).slice(-OUTPUT_CAP);
    if (opts.echo === true) echoLines(name, chunk);
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    proc.once('error', (error) => {
      done = true;
      resolve({ code: null, signal: null, error });
    });
    proc.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return {
    name,
    // pid is undefined when spawning failed; 0 keeps the type simple and is never signalled.
    pid: proc.pid ?? 0,
    process: proc,
    exited,
    hasExited: () => done,
    stdout: () => out,
    stderr: () => err,
  };
}

function echoLines(name: string, chunk: string): void {
  for (const line of chunk.split('\n')) {
    if (line.length > 0) process.stderr.write(`[${name}] ${line}\n`);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Resolves true when `ms` elapsed before `promise` settled. */
async function waitOrTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (await raceTimeout(promise, ms)) === TIMED_OUT;
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * `promise`'s value, or {@link TIMED_OUT} if it has not settled after `ms`. The timer is cleared
 * either way, so it never keeps the process alive.
 */
export async function raceTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Describes how a child ended plus the tail of its output, for error messages. */
export function describeExit(child: ManagedChild, info?: ExitInfo): string {
  const how =
    info === undefined
      ? 'is running'
      : info.error !== undefined
        ? `failed to start: ${info.error.message}`
        : `exited with ${info.signal !== null ? `signal ${info.signal}` : `code ${String(info.code)}`}`;
  const tail = (child.stderr() + child.stdout()).trim().split('\n').slice(-20).join('\n');
  return `${child.name} (pid ${child.pid}) ${how}${tail.length > 0 ? `; last output:\n${tail}` : ''}`;
}

export interface ExitHandlers {
  /** True once a signal started the shutdown; errors after that are its consequence, not news. */
  signalled(): boolean;
}

/**
 * Makes SIGINT/SIGTERM/SIGHUP and process exit stop every child of `group` and run its cleanup
 * steps. A second signal while stopping kills everything at once.
 */
export function installExitHandlers(group: ProcessGroup): ExitHandlers {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
    if (stopping) {
      group.killAllSync();
      group.runCleanupSteps();
      process.exit(code);
    }
    stopping = true;
    process.stderr.write(`\n${signal}: stopping child processes…\n`);
    void group.stopAll(2000).finally(() => {
      group.runCleanupSteps();
      process.exit(code);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  process.on('exit', () => {
    group.killAllSync();
    group.runCleanupSteps();
  });
  return { signalled: () => stopping };
}
