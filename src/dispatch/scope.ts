import type { Deadlines, DeadlineHandle } from './deadlines';
import type { ResponseSink } from '../server/types';

export type AbortReason = 'client' | 'deadline';

/** An object told when the scope aborts (`watch`): no closure per listener. */
export interface AbortWatcher {
  scopeAborted(reason: AbortReason): void;
}

/** A function listener as a watcher (`onAbort`). */
class CallbackWatcher implements AbortWatcher {
  constructor(readonly cb: (r: AbortReason) => void) {}
  scopeAborted(reason: AbortReason): void {
    this.cb(reason);
  }
}

/**
 * The one abort signal of a request: the client went away, or the request's deadline (one
 * for all attempts, backoffs and the stream) passed. Backoff sleeps, retries and the
 * upstream exchange all listen to it. Cheaper than AbortController (no EventTarget).
 */
export class RequestScope {
  reason: AbortReason | undefined = undefined;
  /** Usually one at a time (the attempt's relay); the list only when there are more. */
  private watcher: AbortWatcher | undefined = undefined;
  private watchers: AbortWatcher[] | undefined = undefined;
  private deadline: DeadlineHandle | undefined = undefined;

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** Tells `w` on abort (at once if already aborted), until `unwatch(w)`. */
  watch(w: AbortWatcher): void {
    if (this.reason !== undefined) w.scopeAborted(this.reason);
    else if (this.watcher === undefined && this.watchers === undefined) this.watcher = w;
    else {
      const ws = (this.watchers ??= []);
      if (this.watcher !== undefined) ws.push(this.watcher);
      this.watcher = undefined;
      ws.push(w);
    }
  }

  unwatch(w: AbortWatcher): void {
    if (this.watcher === w) {
      this.watcher = undefined;
      return;
    }
    const ws = this.watchers;
    if (ws === undefined) return;
    // usually the last one added: pop, no search and splice
    if (ws[ws.length - 1] === w) ws.pop();
    else {
      const i = ws.indexOf(w);
      if (i >= 0) ws.splice(i, 1);
    }
  }

  /** Runs `cb` on abort (at once if already aborted). Returns an unsubscribe function. */
  onAbort(cb: (r: AbortReason) => void): () => void {
    if (this.reason !== undefined) {
      cb(this.reason);
      return NOOP;
    }
    const w = new CallbackWatcher(cb);
    this.watch(w);
    return () => this.unwatch(w);
  }

  abort(reason: AbortReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.deadline?.cancel();
    const one = this.watcher;
    const ws = this.watchers;
    this.watcher = undefined;
    this.watchers = undefined;
    if (one !== undefined) one.scopeAborted(reason);
    if (ws !== undefined) for (const w of ws) w.scopeAborted(reason);
  }

  /** The request is over: stop the deadline, drop listeners. */
  dispose(): void {
    this.deadline?.cancel();
    this.deadline = undefined;
    this.watcher = undefined;
    this.watchers = undefined;
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
