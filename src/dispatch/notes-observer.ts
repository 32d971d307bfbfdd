import type { DispatchObserver } from './observer';
import { scanUsage } from './usage';

/** Streamed chunks kept for the usage scan at the end (usage may trail the last content). */
const STREAM_TAIL_CHUNKS = 4;

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
      if (n.firstByteAt === undefined) return scanUsage(chunk, n); // a whole buffered answer
      // a streamed chunk: kept by reference (no copy, no scan, no clock read per chunk)
      const tail = (n.streamTail ??= []);
      tail.push(chunk);
      if (tail.length > STREAM_TAIL_CHUNKS) tail.shift();
    },
    retrying() {},
    backoff() {},
    finished(x, result) {
      const n = x.req.notes;
      if (!n) return;
      n.attempts = result.attempts;
      const tail = n.streamTail;
      if (tail) {
        // the stream ended just now: its last byte's time, and the usage it reported last
        n.lastByteAt = now();
        n.streamTail = undefined; // not `delete`: the notes keep their shape
        scanUsage(tail.length === 1 ? (tail[0] as Buffer) : Buffer.concat(tail), n);
      }
    },
  };
}

/** Several observers as one, called in order (the notes observer first: others read notes). */
export function combineObservers(...all: readonly DispatchObserver[]): DispatchObserver {
  const bodies = all.filter((o) => o.body !== undefined);
  // plain loops: these run on every request (and `body` on every streamed chunk)
  const combined: DispatchObserver = {
    started(x) {
      for (const o of all) o.started(x);
    },
    selected(x, sel) {
      for (const o of all) o.selected(x, sel);
    },
    attemptEnded(x, w, status, error) {
      for (const o of all) o.attemptEnded(x, w, status, error);
    },
    firstByte(x, s) {
      for (const o of all) o.firstByte(x, s);
    },
    answered(x, sel, body) {
      for (const o of all) o.answered(x, sel, body);
    },
    retrying(x, k) {
      for (const o of all) o.retrying(x, k);
    },
    backoff(x, k, ms) {
      for (const o of all) o.backoff(x, k, ms);
    },
    finished(x, r, s) {
      for (const o of all) o.finished(x, r, s);
    },
  };
  if (bodies.length > 0) {
    combined.body = (x, c) => {
      for (const o of bodies) o.body?.(x, c);
    };
  }
  return combined;
}
