import type { Handler, ResponseSink } from '../server/types';
import type { RateLimitResult } from '../metrics';
import { errorReply, GatewayError, type Reply } from '../errors/gateway-error';
import { PRIORITY_HEADER } from '../priority/classes';
import { holdsSlot, type SchedOutcome } from '../priority/core';
import type { PriorityGate } from '../priority/gate';

/** SMG's scheduler rejections (`SchedulerError`): code and message. */
const REJECTIONS = {
  queue_full: ['scheduler_queue_full', 'request queue is full for this priority class'],
  timeout: ['scheduler_queue_timeout', 'timed out waiting for an admission slot'],
} as const;

/** 503 scheduler_preempted with Retry-After: 1 and X-SMG-Preempted: true. */
export function preemptedReply(): Reply {
  return errorReply(
    new GatewayError('scheduler_preempted', 'request preempted by higher-priority traffic', {
      headers: [
        ['retry-after', '1'],
        ['x-smg-preempted', 'true'],
      ],
    }),
  );
}

function rejection(outcome: Exclude<SchedOutcome, 'admitted' | 'waited' | 'promoted'>): Reply {
  if (outcome === 'queue_full' || outcome === 'timeout') {
    const [code, message] = REJECTIONS[outcome];
    return errorReply(new GatewayError(code, message));
  }
  // 'aborted': the client is gone (SMG's 499 is never read); 'closed': a broken limiter
  return errorReply(new GatewayError('admission_unavailable', ''));
}

/**
 * A sink the scheduler can still take over until the handler writes its first byte: then
 * `preempt` answers 503 scheduler_preempted, tells the handler the client went away (so the
 * upstream exchange is cancelled) and drops whatever the handler writes afterwards. Once a
 * status line went out, `preempt` refuses.
 */
export function preemptibleSink(real: ResponseSink): {
  readonly sink: ResponseSink;
  readonly preempted: () => boolean;
  preempt(): boolean;
} {
  let state: 'pending' | 'started' | 'preempted' = 'pending';
  let fired = false;
  const abortCbs: Array<() => void> = [];
  const fire = (): void => {
    if (fired) return;
    fired = true;
    for (const cb of abortCbs.splice(0)) cb();
  };
  real.onAbort(fire);
  const go = (): boolean => {
    if (state === 'preempted') return false;
    state = 'started';
    return true;
  };
  const sink: ResponseSink = {
    get aborted() {
      return state === 'preempted' || real.aborted;
    },
    get headersSent() {
      return real.headersSent;
    },
    onAbort(cb) {
      if (fired) cb();
      else abortCbs.push(cb);
    },
    send(status, headers, body) {
      if (go()) real.send(status, headers, body);
    },
    writeHead(status, headers) {
      if (go()) real.writeHead(status, headers);
    },
    write(chunk) {
      return go() ? real.write(chunk) : true;
    },
    waitDrain() {
      return state === 'preempted' ? Promise.resolve() : real.waitDrain();
    },
    end(chunk) {
      if (go()) real.end(chunk);
    },
    cork(fn) {
      if (real.cork) real.cork(fn);
      else fn();
    },
  };
  return {
    sink,
    preempted: () => state === 'preempted',
    preempt() {
      if (state !== 'pending' || real.aborted) return false;
      state = 'preempted';
      const r = preemptedReply();
      real.send(r.status, r.headers, r.body);
      fire();
      return true;
    },
  };
}

/**
 * SMG's priority admission (§9.2) in front of a protected handler, replacing the legacy
 * limiter: the request's class from `x-smg-priority` (clamped to the tenant's maximum), a
 * slot from the scheduler (429 scheduler_queue_full, 408 scheduler_queue_timeout), held
 * until the response ended; until its first byte the request may be preempted (503).
 */
export function withPriority(
  gate: PriorityGate,
  tenant: string,
  handler: Handler,
  rateLimit: (r: RateLimitResult) => void,
): Handler {
  return async (req, body, res) => {
    const cls = gate.classify(req.headers.get(PRIORITY_HEADER), tenant);
    if (!gate.takeRps()) {
      rateLimit('rejected');
      const r = rejection('queue_full');
      res.send(r.status, r.headers, r.body);
      return;
    }
    const ac = new AbortController();
    res.onAbort(() => ac.abort());
    const { ticket, outcome } = await gate.admit(cls, ac.signal);
    if (!holdsSlot(outcome)) {
      const r = rejection(outcome);
      res.send(r.status, r.headers, r.body);
      return;
    }
    const p = preemptibleSink(res);
    gate.hold(ticket, cls, p);
    try {
      if (!res.aborted) await handler(req, body, p.sink);
    } finally {
      gate.release(ticket, p.preempted() ? 'preempted' : 'admitted');
    }
  };
}
