import type { DispatchObserver } from './observer';
import { scanUsage } from './usage';

/**
 * The observer that writes what the pipeline learns into the request's notes (worker,
 * decision reason, attempts, TTFT, stream timing, the engine's token usage) for the access
 * log and the token metrics. Requests without notes cost a property read per hook.
 */
export function createNotesObserver(now: () => number): DispatchObserver {
  return {
    started(x) {
      const n = x.req.notes;
      if (n) n.model = x.model;
    },
    selected(x, sel) {
      const n = x.req.notes;
      if (!n) return;
      n.worker = sel.worker.url;
      if (sel.routing) n.reason = sel.routing.reason;
    },
    attemptEnded() {},
    firstByte(x, seconds) {
      const n = x.req.notes;
      if (!n) return;
      n.ttftMs = seconds * 1000;
      n.firstByteAt = now();
    },
    answered() {},
    body(x, chunk) {
      const n = x.req.notes;
      if (!n) return;
      if (n.firstByteAt !== undefined) n.lastByteAt = now();
      scanUsage(chunk, n);
    },
    retrying() {},
    backoff() {},
    finished(x, result) {
      const n = x.req.notes;
      if (n) n.attempts = result.attempts;
    },
  };
}

/** Several observers as one, called in order (the notes observer first: others read notes). */
export function combineObservers(...all: readonly DispatchObserver[]): DispatchObserver {
  const bodies = all.filter((o) => o.body !== undefined);
  return {
    started: (x) => all.forEach((o) => o.started(x)),
    selected: (x, sel) => all.forEach((o) => o.selected(x, sel)),
    attemptEnded: (x, w, status, error) => all.forEach((o) => o.attemptEnded(x, w, status, error)),
    firstByte: (x, s) => all.forEach((o) => o.firstByte(x, s)),
    answered: (x, sel, body) => all.forEach((o) => o.answered(x, sel, body)),
    ...(bodies.length > 0 ? { body: (x, c) => bodies.forEach((o) => o.body?.(x, c)) } : {}),
    retrying: (x, k) => all.forEach((o) => o.retrying(x, k)),
    backoff: (x, k, ms) => all.forEach((o) => o.backoff(x, k, ms)),
    finished: (x, r, s) => all.forEach((o) => o.finished(x, r, s)),
  };
}
