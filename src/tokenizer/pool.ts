import os from 'node:os';
import path from 'node:path';
import Piscina from 'piscina';
import { withCode } from './errors';
import { fromPoolFailure, type PoolTask, type PoolResults } from './pool-messages';

/**
 * A thread pool for tokenizer work, shared by every tokenizer of a process (handles are
 * process-wide). Threads start on first use and stay warm (a cold thread costs a
 * worker start plus an addon load, tens of milliseconds).
 */
export interface TokenizerPool {
  /** Number of threads the pool runs (once started). */
  readonly threads: number;
  /** `file`: set for JS-engine handles (js-engine.ts), so the thread can load its own copy. */
  encode(handle: number, text: string, add: boolean, file?: string): Promise<Uint32Array>;
  encodeBatch(
    handle: number,
    texts: readonly string[],
    add: boolean,
    file?: string,
  ): Promise<Uint32Array[]>;
  decode(handle: number, ids: Uint32Array, skip: boolean, file?: string): Promise<string>;
  /** Starts the threads now instead of on first use; resolves once every thread answered. */
  warm(): Promise<void>;
  /** Tasks queued or running. */
  readonly pending: number;
  /** Waits for queued tasks, then stops the threads. */
  close(): Promise<void>;
}

export interface TokenizerPoolOptions {
  /** Threads (default: available parallelism − 1, at least 1, at most 8). */
  readonly threads?: number;
}

export function defaultPoolThreads(): number {
  return Math.max(1, Math.min(8, os.availableParallelism() - 1));
}

export function createTokenizerPool(opts: TokenizerPoolOptions = {}): TokenizerPool {
  const threads = opts.threads ?? defaultPoolThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`pool threads must be an integer >= 1, got ${threads}`);
  }
  let piscina: Piscina<PoolTask, unknown> | undefined;
  let closed = false;
  let pending = 0;
  const get = (): Piscina<PoolTask, unknown> => {
    if (closed) throw withCode(new Error('the tokenizer pool is closed'), 'tokenizer_closed');
    piscina ??= new Piscina<PoolTask, unknown>({
      filename: path.join(__dirname, 'pool-worker.js'),
      minThreads: threads,
      maxThreads: threads,
      // threads stay warm: a restart would cost more than the work it saves
      idleTimeout: Number.POSITIVE_INFINITY,
      recordTiming: false,
    });
    return piscina;
  };
  const run = async <K extends PoolTask['op']>(
    task: Extract<PoolTask, { op: K }>,
  ): Promise<PoolResults[K]> => {
    const p = get();
    pending++;
    try {
      return (await p.run(task)) as PoolResults[K];
    } catch (err) {
      throw fromPoolFailure(err);
    } finally {
      pending--;
    }
  };
  return {
    threads,
    get pending() {
      return pending;
    },
    encode: (handle, text, add, file) =>
      run({ op: 'encode', handle, text, add, ...(file !== undefined ? { file } : {}) }),
    encodeBatch: (handle, texts, add, file) =>
      run({ op: 'encodeBatch', handle, texts, add, ...(file !== undefined ? { file } : {}) }),
    decode: (handle, ids, skip, file) =>
      run({ op: 'decode', handle, ids, skip, ...(file !== undefined ? { file } : {}) }),
    async warm() {
      await Promise.all(Array.from({ length: threads }, () => run({ op: 'ping' })));
    },
    async close() {
      if (closed) return;
      closed = true;
      await piscina?.close();
    },
  };
}
