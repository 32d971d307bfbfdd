import type { Deadlines, DeadlineHandle } from './deadlines';
import type { ResponseSink } from '../server/types';

export type AbortReason = 'client' | 'deadline';

/**
 * The one abort signal of a request: the client went away, or the request's deadline (one
 * for all attempts, backoffs and the stream) passed. Backoff sleeps, retries and the
 * upstream exchange all listen to it. Cheaper than AbortController (no EventTarget).
 */
export class RequestScope {
  reason: AbortReason | undefined = undefined;
  private listeners: Array<(r: AbortReason) => void> = [];
  private deadline: DeadlineHandle | undefined;

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** Runs `cb` on abort (at once if already aborted). Returns an unsubscribe function. */
  onAbort(cb: (r: AbortReason) => void): () => void {
    if (this.reason !== undefined) {
      cb(this.reason);
      return NOOP;
    }
    this.listeners.push(cb);
    return () => {
      const ls = this.listeners;
      // usually the last one added (the attempt's relay): pop, no search and splice
      if (ls[ls.length - 1] === cb) ls.pop();
      else {
        const i = ls.indexOf(cb);
        if (i >= 0) ls.splice(i, 1);
      }
    };
  }

  abort(reason: AbortReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.deadline?.cancel();
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l(reason);
  }

  /** The request is over: stop the deadline, drop listeners. */
  dispose(): void {
    this.deadline?.cancel();
    this.deadline = undefined;
    this.listeners = [];
  }

  /** A scope bound to the client's connection and a deadline `timeoutMs` from now. */
  static forRequest(
    sink: ResponseSink,
    deadlines: Deadlines,
    nowMs: number,
    timeoutMs: number,
  ): RequestScope {
    const s = new RequestScope();
    sink.onAbort(() => s.abort('client'));
    if (!s.aborted) s.deadline = deadlines.at(nowMs + timeoutMs, () => s.abort('deadline'));
    return s;
  }
}

const NOOP = (): void => undefined;

/** Waits `ms`, ending early (resolved) when the scope aborts. */
export function sleepInScope(scope: RequestScope, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (scope.aborted) return resolve();
    const t = setTimeout(done, ms);
    const off = scope.onAbort(done);
    function done(): void {
      clearTimeout(t);
      off();
      resolve();
    }
  });
}
