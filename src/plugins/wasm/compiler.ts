import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ComponentError } from './compile';
import type { WasmArtifactWire } from './wire';

type Reply =
  | { readonly id: number; readonly ok: true; readonly artifact: WasmArtifactWire }
  | { readonly id: number; readonly ok: false; readonly error: string };

interface Waiter {
  resolve(a: WasmArtifactWire): void;
  reject(e: Error): void;
}

/**
 * Compiles components on one lazily started thread (kept while it is used, unref'd), so jco
 * never runs on the primary's event loop. A thread that dies fails its pending compiles; the
 * next compile starts a new one.
 */
export class ComponentCompiler {
  private worker: Worker | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;

  compile(bytes: Uint8Array, sha256: string): Promise<WasmArtifactWire> {
    const w = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
      w.postMessage({ id, bytes, sha256 });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll('compiler closed');
    await w?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'compile-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    w.unref();
    w.on('message', (r: Reply) => {
      const waiter = this.waiters.get(r.id);
      this.waiters.delete(r.id);
      if (!waiter) return;
      if (r.ok) waiter.resolve(r.artifact);
      else waiter.reject(new ComponentError(r.error));
    });
    w.on('error', () => undefined); // 'exit' follows
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll('compile thread exited (module too large?)');
    });
    this.worker = w;
    return w;
  }

  private failAll(why: string): void {
    for (const w of this.waiters.values()) w.reject(new ComponentError(why));
    this.waiters.clear();
  }
}
