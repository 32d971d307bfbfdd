import type { RecordedRequest } from './types';

/** Monotonic counters behind `stats()`, /v1/loads and /metrics. */
export interface Counters {
  requests: number;
  inferenceRequests: number;
  completed: number;
  aborted: number;
  failed: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
}

export function createCounters(): Counters {
  return {
    requests: 0,
    inferenceRequests: 0,
    completed: 0,
    aborted: 0,
    failed: 0,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
  };
}

interface Waiter {
  uncached: number;
  resolve: (admitted: boolean) => void;
}

/**
 * Running slots with a FIFO wait queue (continuous batching, coarsely): at most `maxRunning`
 * generations run; the rest wait and are reported as `num_waiting_reqs`.
 */
export class Scheduler {
  running = 0;
  /** KV tokens held by running generations (prompt + generated so far). */
  usedTokens = 0;
  /** Uncached prompt tokens of waiting generations. */
  waitingUncachedTokens = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly maxRunning: number) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Takes a slot when one is free. */
  tryAdmit(): boolean {
    if (this.running >= this.maxRunning || this.queue.length > 0) return false;
    this.running++;
    return true;
  }

  /** Waits for a slot; resolves false if `signal` aborts first. */
  waitForSlot(signal: AbortSignal, uncached: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        uncached,
        resolve: (admitted) => {
          signal.removeEventListener('abort', onAbort);
          resolve(admitted);
        },
      };
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) {
          this.queue.splice(i, 1);
          this.waitingUncachedTokens -= uncached;
        }
        waiter.resolve(false);
      };
      if (signal.aborted) {
        resolve(false);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.waitingUncachedTokens += uncached;
    });
  }

  /** Frees a slot and hands it to the oldest waiter. */
  release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next) {
      this.waitingUncachedTokens -= next.uncached;
      this.running++;
      next.resolve(true);
    }
  }

  /** Fails every waiter (engine close). */
  drain(): void {
    for (const w of this.queue.splice(0)) w.resolve(false);
    this.waitingUncachedTokens = 0;
  }
}

/** Output tokens per second, measured over the last complete wall-clock second. */
export class ThroughputMeter {
  private second = 0;
  private current = 0;
  private previous = 0;

  add(tokens: number, nowMs: number): void {
    this.roll(nowMs);
    this.current += tokens;
  }

  rate(nowMs: number): number {
    this.roll(nowMs);
    return this.previous;
  }

  private roll(nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    if (s === this.second) return;
    this.previous = s === this.second + 1 ? this.current : 0;
    this.current = 0;
    this.second = s;
  }
}

/** Bounded ring of recorded requests (a limit of 0 records nothing). */
export class RequestRecorder {
  private readonly ring: RecordedRequest[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  add(r: RecordedRequest): void {
    if (this.limit === 0) return;
    if (this.ring.length < this.limit) {
      this.ring.push(r);
      return;
    }
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.limit;
  }

  /** Oldest first. */
  list(): RecordedRequest[] {
    return this.ring.slice(this.next).concat(this.ring.slice(0, this.next));
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}
