import type { DispatchObserver } from './observer';

/** Several observers as one, called in order (metrics first, then tracing, access log…). */
export function composeObservers(list: readonly DispatchObserver[]): DispatchObserver {
  if (list.length === 1 && list[0]) return list[0];
  return {
    started: (x) => list.forEach((o) => o.started(x)),
    selected: (x, s) => list.forEach((o) => o.selected(x, s)),
    attemptEnded: (x, w, st, e) => list.forEach((o) => o.attemptEnded(x, w, st, e)),
    firstByte: (x, s) => list.forEach((o) => o.firstByte(x, s)),
    answered: (x, s, b) => list.forEach((o) => o.answered(x, s, b)),
    retrying: (x, a) => list.forEach((o) => o.retrying(x, a)),
    backoff: (x, a, ms) => list.forEach((o) => o.backoff(x, a, ms)),
    finished: (x, r, s) => list.forEach((o) => o.finished(x, r, s)),
  };
}
