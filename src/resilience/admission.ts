/**
 * SMG's legacy admission limiter (`middleware/concurrency.rs` + `token_bucket.rs`, spec §9.1) as a
 * data structure with no I/O.
 *
 * A token bucket of capacity N (`--max-concurrent-requests`) starts full and refills continuously
 * at `refillPerSec` tokens/s (`--rate-limit-tokens-per-second`, default N; 0 = pure concurrency
 * cap), capped at N. Each request takes one token and gives it back when its response finishes
 * (`release()`), so this is a concurrency cap *and* a rate limit: refills let concurrency exceed
 * N. Without a token a request waits in a bounded FIFO queue for at most `queueTimeoutMs` from
 * enqueue; full queue → 'queue_full' (SMG: 429 empty body), timeout → 'timeout' (408 empty body).
 *
 * Instance-wide use: the limit is per gateway, not per process. The primary owns the one instance;
 * an ingress process sends "acquire <id>" over IPC, the primary's handler calls
 * `acquire({ signal })` with an AbortController registered under that id (aborted by a
 * "cancel <id>" message when the client goes away) and replies with the result; "release" maps to
 * `release()`. Every method is synchronous or returns a promise that never rejects, so a handler
 * needs no try/catch. If the ingress learns of an abort only after 'admitted' was sent, it must
 * still send "release". When a process dies, the primary releases the tokens that process held.
 *
 * Timers (injected) are used only while someone waits: one per waiter for its timeout, and one
 * refill wake-up for the head of the queue.
 */
import type { Clock } from '../util/clock';

export interface AdmissionConfig {
  /** Bucket capacity = `--max-concurrent-requests`; ≤ 0 turns the limiter off (default −1). */
  readonly maxConcurrent: number;
  /** Refill rate, tokens per second; default = maxConcurrent; 0 = no refill. */
  readonly refillPerSec?: number;
  /** Max waiting requests (`--queue-size`, default 100); 0 = reject at once. */
  readonly queueSize: number;
  /** Max wait from enqueue, ms (`--queue-timeout-secs` × 1000, default 60000). */
  readonly queueTimeoutMs: number;
}

export interface AdmissionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * 'admitted' — go ahead, and call `release()` when the response finishes or is dropped.
 * 'queue_full' → 429, 'timeout' → 408 (both empty bodies in SMG). 'closed' — the limiter shut
 * down (SMG's channel failure → 500). 'aborted' — the caller's signal fired while waiting; nobody
 * is left to answer.
 */
export type AdmissionResult = 'admitted' | 'queue_full' | 'timeout' | 'closed' | 'aborted';

/** HTTP status for each rejection, as SMG answers it. */
export const ADMISSION_REJECT_STATUS = {
  queue_full: 429,
  timeout: 408,
  closed: 500,
} as const satisfies Partial<Record<AdmissionResult, number>>;

export interface AcquireOptions {
  /** Abort while queued: the waiter leaves the queue and resolves 'aborted'. */
  readonly signal?: AbortSignal;
}

export interface Admission {
  /** False when maxConcurrent ≤ 0: every call admits at once. */
  readonly enabled: boolean;
  acquire(opts?: AcquireOptions): Promise<AdmissionResult>;
  /** Fast path: take a token now if one is free and nobody is queued ahead. */
  acquireSync(): 'admitted' | 'no_token';
  /** Return the token of an admitted request. Extra calls (more than admitted) are ignored. */
  release(): void;
  queueDepth(): number;
  /** Admitted and not yet released. */
  inUse(): number;
  /** Whole tokens available now (after refill). */
  available(): number;
  /** Resolve every waiter with 'closed', clear timers; later acquires resolve 'closed'. */
  close(): void;
}

interface Waiter {
  settled: boolean;
  readonly resolve: (r: AdmissionResult) => void;
  timer: unknown;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

function validate(cfg: AdmissionConfig): void {
  const bad = (name: string, v: number | undefined): never => {
    throw new RangeError(`admission: invalid ${name}: ${String(v)}`);
  };
  if (Number.isNaN(cfg.maxConcurrent)) bad('maxConcurrent', cfg.maxConcurrent);
  if (cfg.maxConcurrent <= 0) return;
  const r = cfg.refillPerSec;
  if (r !== undefined && !(Number.isFinite(r) && r >= 0)) bad('refillPerSec', r);
  if (!Number.isInteger(cfg.queueSize) || cfg.queueSize < 0) bad('queueSize', cfg.queueSize);
  if (!(cfg.queueTimeoutMs > 0)) bad('queueTimeoutMs', cfg.queueTimeoutMs);
}

function createDisabledAdmission(): Admission {
  let held = 0;
  return {
    enabled: false,
    acquire: () => {
      held++;
      return Promise.resolve('admitted');
    },
    acquireSync: () => {
      held++;
      return 'admitted';
    },
    release: () => {
      if (held > 0) held--;
    },
    queueDepth: () => 0,
    inUse: () => held,
    available: () => Infinity,
    close: () => undefined,
  };
}

export function createAdmission(
  cfg: AdmissionConfig,
  clock: Clock,
  timers: AdmissionTimers,
): Admission {
  validate(cfg);
  if (cfg.maxConcurrent <= 0) return createDisabledAdmission();
  const capacity = cfg.maxConcurrent;
  const ratePerSec = cfg.refillPerSec ?? capacity;
  let tokens = capacity;
  let lastRefill = clock.monotonic();
  let held = 0;
  let closed = false;
  // FIFO with lazy deletion: timed-out/aborted waiters stay in the array, flagged settled.
  let queue: Waiter[] = [];
  let head = 0;
  let live = 0;
  let refillTimer: unknown;

  function refill(): void {
    const now = clock.monotonic();
    if (ratePerSec > 0 && now > lastRefill) {
      tokens = Math.min(capacity, tokens + ((now - lastRefill) * ratePerSec) / 1000);
    }
    lastRefill = now;
  }

  function take(): void {
    tokens -= 1;
    held++;
  }

  function finish(w: Waiter, result: AdmissionResult): void {
    w.settled = true;
    live--;
    if (w.timer !== undefined) timers.clearTimeout(w.timer);
    w.signal?.removeEventListener('abort', w.onAbort);
    w.resolve(result);
  }

  function peek(): Waiter | undefined {
    while (head < queue.length && queue[head]?.settled === true) head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return queue[head];
  }

  /** Hand free tokens to the oldest waiters, then (re)arm the refill wake-up if still needed. */
  function drain(): void {
    refill();
    for (let w = peek(); w !== undefined && tokens >= 1; w = peek()) {
      take();
      finish(w, 'admitted');
    }
    armRefill();
  }

  function armRefill(): void {
    if (refillTimer !== undefined) {
      timers.clearTimeout(refillTimer);
      refillTimer = undefined;
    }
    if (live === 0 || ratePerSec <= 0 || closed) return;
    const ms = Math.max(1, Math.ceil(((1 - tokens) * 1000) / ratePerSec));
    refillTimer = timers.setTimeout(() => {
      refillTimer = undefined;
      drain();
    }, ms);
  }

  function tryFast(): boolean {
    refill();
    if (live > 0) drain();
    if (live > 0 || tokens < 1) return false;
    take();
    return true;
  }

  function enqueue(signal: AbortSignal | undefined): Promise<AdmissionResult> {
    return new Promise((resolve) => {
      const w: Waiter = {
        settled: false,
        resolve,
        timer: undefined,
        signal,
        onAbort: () => {
          if (!w.settled) finish(w, 'aborted');
          if (live === 0) armRefill();
        },
      };
      queue.push(w);
      live++;
      w.timer = timers.setTimeout(() => {
        w.timer = undefined;
        if (!w.settled) finish(w, 'timeout');
        if (live === 0) armRefill();
      }, cfg.queueTimeoutMs);
      signal?.addEventListener('abort', w.onAbort, { once: true });
      if (refillTimer === undefined) armRefill();
    });
  }

  function acquire(opts?: AcquireOptions): Promise<AdmissionResult> {
    if (closed) return Promise.resolve('closed');
    const signal = opts?.signal;
    if (signal?.aborted === true) return Promise.resolve('aborted');
    if (tryFast()) return Promise.resolve('admitted');
    if (live >= cfg.queueSize) return Promise.resolve('queue_full');
    return enqueue(signal);
  }

  return {
    enabled: true,
    acquire,
    acquireSync: () => (!closed && tryFast() ? 'admitted' : 'no_token'),
    release: () => {
      if (held === 0) return;
      held--;
      refill();
      tokens = Math.min(capacity, tokens + 1);
      if (live > 0) drain();
    },
    queueDepth: () => live,
    inUse: () => held,
    available: () => {
      refill();
      return Math.floor(tokens);
    },
    close: () => {
      closed = true;
      for (let w = peek(); w !== undefined; w = peek()) finish(w, 'closed');
      queue = [];
      head = 0;
      armRefill();
    },
  };
}
