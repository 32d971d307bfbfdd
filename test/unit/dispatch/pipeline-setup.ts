import { runPipeline, type PipelineDeps } from '../../../src/dispatch/pipeline';
import { createDeadlines } from '../../../src/dispatch/deadlines';
import { planStages, type DispatchExchange, type Stage } from '../../../src/dispatch/stages';
import type { DispatchObserver } from '../../../src/dispatch/observer';
import { systemClock } from '../../../src/util/clock';
import type { Worker } from '../../../src/core/worker';
import type { Selection } from '../../../src/core/router';
import { FakeEngines, FakeSink, incoming } from './fakes';
import { makeWorkers } from '../policies/fixtures';

/* The dispatch pipeline's test setup: a fleet, scripted engines, a recording observer. */

/** Records every observer call as a line, in order. */
export function recordingObserver(log: string[]): DispatchObserver {
  return {
    started: () => log.push('started'),
    selected: (_x, sel) => log.push(`selected ${sel.worker.id}`),
    attemptEnded: (_x, w, status, err) => log.push(`ended ${w.id} ${err ? err.code : status}`),
    firstByte: () => log.push('first-byte'),
    answered: () => log.push('answered'),
    retrying: (_x, k) => log.push(`retrying ${k}`),
    backoff: (_x, k, ms) => log.push(`backoff ${k} ${ms}`),
    finished: (_x, r) =>
      log.push(`finished ${r.status} attempts=${r.attempts} exhausted=${r.exhausted}`),
  };
}

export interface Setup {
  deps: PipelineDeps;
  engines: FakeEngines;
  log: string[];
  sleeps: number[];
  leases: { open: number };
}

export function setup(
  opts: { workers?: number; maxAttempts?: number; timeoutMs?: number } = {},
): Setup {
  const fleet = makeWorkers(opts.workers ?? 3);
  const engines = new FakeEngines();
  const log: string[] = [];
  const sleeps: number[] = [];
  const leases = { open: 0 };
  let next = 0;
  const deps: PipelineDeps = {
    // the first worker not excluded, while any is left (exclusion is a preference, as in the router)
    select(_model, _info, opts2) {
      const free = fleet.filter((w) => !opts2.exclude?.has(w.id));
      const w = (free[0] ?? fleet[next++ % fleet.length]) as Worker;
      return { worker: w, release: () => undefined } satisfies Selection;
    },
    acquire() {
      leases.open++;
      let done = false;
      return Object.assign(
        () => {
          if (!done) leases.open--;
          done = true;
        },
        { prefilled: () => undefined },
      );
    },
    admit: () => () => undefined,
    client: (w) => engines.client(w),
    observer: recordingObserver(log),
    retry: {
      maxAttempts: opts.maxAttempts ?? 3,
      initialBackoffMs: 10,
      maxBackoffMs: 100,
      multiplier: 2,
      jitter: 0,
    },
    timeoutMs: opts.timeoutMs ?? 10_000,
    deadlines: createDeadlines(systemClock, 5),
    rng: () => 0.5,
    now: () => performance.now(),
    sleep: (ms, scope) => {
      sleeps.push(ms);
      return new Promise((r) => {
        const t = setTimeout(r, 1);
        scope.onAbort(() => {
          clearTimeout(t);
          r();
        });
      });
    },
    blockSize: 16,
  };
  return { deps, engines, log, sleeps, leases };
}

export function exchange(stream = false): DispatchExchange {
  return {
    req: incoming({ authorization: 'Bearer client' }),
    requested: 'm',
    model: 'm',
    endpoint: 'chat',
    stream,
    upstreamPath: '/v1/chat/completions',
    body: '{"model":"m"}',
    startedMs: performance.now(),
  };
}

export const info = { header: () => undefined, routingText: '' };

export function run(s: Setup, sink: FakeSink, stages: Stage[] = [], stream = false): Promise<void> {
  return runPipeline(s.deps, { x: exchange(stream), info, stages: planStages(stages), sink });
}
