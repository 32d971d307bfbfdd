import type { Worker } from './worker';

/**
 * Bounds the requests this process sends to a half-open worker (SMG lets all traffic
 * through a half-open circuit). Closed circuits pass freely.
 */
export interface ProbeGate {
  /** A release function when the worker may take this request, else undefined. */
  tryEnter(w: Worker): (() => void) | undefined;
}

const NOOP = (): void => undefined;

export function createProbeGate(maxProbes: number): ProbeGate {
  const probing = new Map<string, number>();
  return {
    tryEnter(w) {
      if (w.circuit !== 'half_open') return NOOP;
      const n = probing.get(w.id) ?? 0;
      if (n >= maxProbes) return undefined;
      probing.set(w.id, n + 1);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        const left = (probing.get(w.id) ?? 1) - 1;
        if (left <= 0) probing.delete(w.id);
        else probing.set(w.id, left);
      };
    },
  };
}
