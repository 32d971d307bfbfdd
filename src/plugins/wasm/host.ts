import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromHost, ToHost } from './host-messages';
import { WASM_LIMITS, type Hook, type WasmAction, type WasmArtifact } from './types';
import type { WasmRequest, WasmResponse } from './types';

/** How one module call ended. Anything but `ok` fails open (the module is skipped). */
export type CallOutcome =
  | { readonly ok: true; readonly action: WasmAction; readonly ms: number }
  | {
      readonly ok: false;
      readonly reason: 'trap' | 'timeout' | 'crash';
      readonly error: string;
      readonly ms: number;
    };

export interface WasmHostOptions {
  /** Per-call deadline, ms (SMG: 1000). The thread is terminated and replaced on overrun. */
  readonly deadlineMs?: number;
  /** JS heap of the host thread, MiB (jco's glue lives there; linear memories are capped apart). */
  readonly heapMb?: number;
  readonly now?: () => number;
  /** Reuse one instance per module across calls instead of a fresh one per call. */
  readonly reuseInstances?: boolean;
  /** What modules write to WASI stdout/stderr (never the gateway's own streams). */
  readonly onOutput?: (chunk: Buffer) => void;
}

interface Pending {
  readonly msg: Extract<ToHost, { op: 'call' }>;
  readonly resolve: (o: CallOutcome) => void;
  started: number;
  timer?: NodeJS.Timeout;
}

/**
 * The ingress side of the WASM host thread: module calls run there, off the event loop, one
 * at a time, each with a deadline. A call over its deadline, or a thread that dies (heap
 * exhausted), ends that call as failed; the thread is replaced and reloaded with every
 * module, and the queued calls continue on the new one.
 */
export class WasmHost {
  private worker: Worker;
  private readonly artifacts = new Map<string, WasmArtifact>();
  private readonly loads = new Map<string, Array<(error?: string) => void>>();
  private readonly queue: Pending[] = [];
  private inflight: Pending | undefined;
  private nextId = 1;
  private closed = false;
  /** Threads replaced after an overrun or a crash (for tests and logs). */
  restarts = 0;
  private readonly deadlineMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: WasmHostOptions = {}) {
    this.deadlineMs = opts.deadlineMs ?? WASM_LIMITS.maxExecutionMs;
    this.now = opts.now ?? (() => performance.now());
    this.worker = this.spawn();
  }

  /** Loads a module's artifact into the thread (and into every replacement thread). */
  load(a: WasmArtifact): Promise<void> {
    this.artifacts.set(a.sha256, a);
    return new Promise((resolve, reject) => {
      const waiters = this.loads.get(a.sha256) ?? [];
      waiters.push((error) => (error === undefined ? resolve() : reject(new Error(error))));
      this.loads.set(a.sha256, waiters);
      this.post({ op: 'load', artifact: a });
    });
  }

  unload(sha256: string): void {
    if (this.artifacts.delete(sha256)) this.post({ op: 'unload', sha256 });
  }

  has(sha256: string): boolean {
    return this.artifacts.has(sha256);
  }

  /** Calls queued or running on this thread. */
  get pending(): number {
    return this.queue.length + (this.inflight ? 1 : 0);
  }

  /** Calls waiting behind the running one. */
  get queued(): number {
    return this.queue.length;
  }

  /** How long the running call has been running, ms (0 when idle). */
  get runningMs(): number {
    return this.inflight ? this.now() - this.inflight.started : 0;
  }

  /** A call is running on this thread. */
  get busy(): boolean {
    return this.inflight !== undefined;
  }

  call(sha256: string, hook: Hook, input: WasmRequest | WasmResponse): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const msg = { op: 'call', id: this.nextId++, sha256, hook, input } as const;
      this.queue.push({ msg, resolve, started: 0 });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const gone = (p: Pending): void => this.settle(p, { reason: 'crash', error: 'host closed' });
    if (this.inflight) gone(this.inflight);
    for (const p of this.queue.splice(0)) gone(p);
    await this.worker.terminate();
  }

  private spawn(): Worker {
    const w = new Worker(path.join(__dirname, 'host-worker.js'), {
      workerData: { reuse: this.opts.reuseInstances === true },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 512 },
      // modules' WASI stdout/stderr (preview2-shim writes them to the thread's own streams)
      // stay off the gateway's: SMG gives modules no stdio either
      stdout: true,
      stderr: true,
    });
    for (const out of [w.stdout, w.stderr]) {
      out.on('data', (chunk: Buffer) => this.opts.onOutput?.(chunk));
    }
    w.unref();
    w.on('message', (m: FromHost) => this.onMessage(m));
    w.on('error', () => undefined); // 'exit' follows and handles it
    w.on('exit', () => {
      if (w === this.worker && !this.closed) this.replace('crash', 'WASM host thread exited');
    });
    return w;
  }

  /** Ends the call in flight as failed and starts a fresh thread with every module. */
  private replace(reason: 'timeout' | 'crash', error: string): void {
    const old = this.worker;
    this.restarts++;
    this.worker = this.spawn();
    void old.terminate();
    const p = this.inflight;
    this.inflight = undefined;
    if (p) this.settle(p, { reason, error });
    for (const a of this.artifacts.values()) this.post({ op: 'load', artifact: a });
    this.pump();
  }

  private post(m: ToHost): void {
    if (!this.closed) this.worker.postMessage(m);
  }

  private pump(): void {
    if (this.inflight || this.closed) return;
    const p = this.queue.shift();
    if (!p) return;
    this.inflight = p;
    p.started = this.now();
    p.timer = setTimeout(
      () => this.replace('timeout', `execution timeout after ${this.deadlineMs}ms`),
      this.deadlineMs,
    );
    this.post(p.msg);
  }

  private onMessage(m: FromHost): void {
    if (m.op === 'loaded') {
      const waiters = this.loads.get(m.sha256);
      this.loads.delete(m.sha256);
      for (const w of waiters ?? []) w(m.error);
      return;
    }
    const p = this.inflight;
    if (!p || p.msg.id !== m.id) return; // a late answer from a replaced thread
    this.inflight = undefined;
    if (m.op === 'result') this.settle(p, { action: m.action });
    else this.settle(p, { reason: 'trap', error: m.error });
    this.pump();
  }

  private settle(
    p: Pending,
    r: { action: WasmAction } | { reason: 'trap' | 'timeout' | 'crash'; error: string },
  ): void {
    clearTimeout(p.timer);
    const ms = p.started > 0 ? this.now() - p.started : 0;
    p.resolve('action' in r ? { ok: true, action: r.action, ms } : { ok: false, ...r, ms });
  }
}

/**
 * Several host threads of one process, every module loaded in each: a call goes to the thread
 * with the fewest pending calls, so one module spinning to its deadline holds up one thread
 * while the other requests' calls run on the others.
 */
/** A call running this long is treated as possibly spinning when choosing a thread, ms. */
const STUCK_MS = 20;

export class WasmHostPool {
  private readonly hosts: WasmHost[];

  constructor(threads: number, opts: WasmHostOptions = {}) {
    this.hosts = Array.from({ length: Math.max(1, threads) }, () => new WasmHost(opts));
  }

  get restarts(): number {
    return this.hosts.reduce((n, h) => n + h.restarts, 0);
  }

  async load(a: WasmArtifact): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.load(a)));
  }

  unload(sha256: string): void {
    for (const h of this.hosts) h.unload(sha256);
  }

  /**
   * The thread likely to start the call soonest: its expected wait is the queued calls (about
   * a millisecond each) plus how long its running call has run so far; a call running past
   * STUCK_MS may be spinning to its deadline, so that thread comes last; between equals an
   * idle thread wins over one that is running (whose call may have just started to spin).
   */
  call(sha256: string, hook: Hook, input: WasmRequest | WasmResponse): Promise<CallOutcome> {
    const wait = (h: WasmHost): number =>
      (h.runningMs > STUCK_MS ? 1e9 : 0) + h.queued + h.runningMs + (h.busy ? 0.5 : 0);
    let best = this.hosts[0] as WasmHost;
    for (const h of this.hosts) if (wait(h) < wait(best)) best = h;
    return best.call(sha256, hook, input);
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
