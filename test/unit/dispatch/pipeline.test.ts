import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  runPipeline,
  type AttemptFn,
  type PipelineDeps,
  type Step,
} from '../../../src/dispatch/pipeline';
import { createDeadlines } from '../../../src/dispatch/deadlines';
import { planStages, type DispatchExchange, type Stage } from '../../../src/dispatch/stages';
import type { DispatchObserver } from '../../../src/dispatch/observer';
import { GatewayError } from '../../../src/errors/gateway-error';
import { systemClock } from '../../../src/util/clock';
import type { Worker } from '../../../src/core/worker';
import type { Selection } from '../../../src/core/router';
import { FakeEngines, FakeSink, incoming, reply } from './fakes';
import { makeWorkers } from '../policies/fixtures';

/** Records every observer call as a line, in order. */
function recordingObserver(log: string[]): DispatchObserver {
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

interface Setup {
  deps: PipelineDeps;
  engines: FakeEngines;
  log: string[];
  sleeps: number[];
  leases: { open: number };
}

function setup(opts: { workers?: number; maxAttempts?: number; timeoutMs?: number } = {}): Setup {
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

function exchange(stream = false): DispatchExchange {
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

const info = { header: () => undefined, routingText: '' };

function run(s: Setup, sink: FakeSink, stages: Stage[] = [], stream = false): Promise<void> {
  return runPipeline(s.deps, { x: exchange(stream), info, stages: planStages(stages), sink });
}

describe('dispatch pipeline', () => {
  test('a retryable answer is held back and the next attempt avoids that worker', async () => {
    const s = setup();
    s.engines.script('w0', reply(503, 'busy'));
    s.engines.script('w1', reply(200, '{"ok":true}'));
    const sink = new FakeSink();
    await run(s, sink);
    assert.equal(sink.status, 200);
    assert.equal(sink.body, '{"ok":true}', 'the held 503 never reached the client');
    assert.deepEqual(
      s.engines.calls.map((c) => c.worker),
      ['w0', 'w1'],
    );
    assert.deepEqual(s.sleeps, [10]);
    assert.equal(s.leases.open, 0, 'every lease released');
    assert.deepEqual(s.log, [
      'started',
      'selected w0',
      'ended w0 503',
      'backoff 1 10',
      'retrying 1',
      'selected w1',
      'ended w1 200',
      'finished 200 attempts=2 exhausted=false',
    ]);
  });

  test('the last attempt relays its retryable answer and counts as exhausted', async () => {
    const s = setup({ maxAttempts: 2 });
    s.engines.script('w0', reply(503, 'first')).script('w1', reply(502, 'second'));
    const sink = new FakeSink();
    await run(s, sink);
    assert.equal(sink.status, 502);
    assert.equal(sink.body, 'second');
    assert.match(s.log.at(-1) ?? '', /finished 502 attempts=2 exhausted=true/);
  });

  test('transport failures retry on other workers, then the last error is raised', async () => {
    const s = setup({ maxAttempts: 3 });
    for (const w of ['w0', 'w1', 'w2']) s.engines.script(w, { kind: 'fail', code: 'ECONNREFUSED' });
    const sink = new FakeSink();
    await assert.rejects(run(s, sink), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.code, 'call_upstream_connection_failed');
      assert.ok(!err.message.includes('.test'), 'no upstream URL in the message');
      return true;
    });
    assert.equal(sink.headersSent, false);
    assert.deepEqual(
      s.engines.calls.map((c) => c.worker),
      ['w0', 'w1', 'w2'],
    );
    assert.match(s.log.at(-1) ?? '', /finished 502 attempts=3 exhausted=true/);
  });

  test('a non-retryable answer goes out at once', async () => {
    const s = setup();
    s.engines.script('w0', reply(400, 'bad'));
    const sink = new FakeSink();
    await run(s, sink);
    assert.equal(sink.status, 400);
    assert.equal(s.engines.calls.length, 1);
  });

  test('one deadline covers every attempt and backoff: 504 at the deadline', async () => {
    const s = setup({ maxAttempts: 5, timeoutMs: 60 });
    for (const w of ['w0', 'w1', 'w2']) s.engines.script(w, { kind: 'hang' }, { kind: 'hang' });
    const sink = new FakeSink();
    const t0 = performance.now();
    const keepAlive = setInterval(() => undefined, 1000); // the deadline timer is unref'd
    await assert.rejects(
      run(s, sink).finally(() => clearInterval(keepAlive)),
      (err: unknown) => {
        assert.ok(err instanceof GatewayError);
        assert.equal(err.code, 'call_upstream_timeout');
        return true;
      },
    );
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 60, `not before the deadline (${elapsed} ms)`);
    assert.equal(s.engines.calls.length, 1, 'the deadline stops retries: one hung attempt');
    assert.deepEqual(s.engines.aborts, ['deadline']);
    assert.equal(s.deps.deadlines.size, 0, 'the deadline entry is gone');
  });

  test('the client leaving during backoff stops retries; nothing is written', async () => {
    const s = setup({ maxAttempts: 5 });
    s.engines.script('w0', reply(503));
    const sink = new FakeSink();
    s.deps = {
      ...s.deps,
      sleep: (ms) => {
        s.sleeps.push(ms);
        sink.abort();
        return Promise.resolve();
      },
    };
    await run(s, sink);
    assert.equal(s.engines.calls.length, 1);
    assert.equal(sink.headersSent, false);
    assert.equal(s.leases.open, 0);
  });

  test('the client leaving mid-exchange aborts the upstream call', async () => {
    const s = setup();
    s.engines.script('w0', { kind: 'hang' });
    const sink = new FakeSink();
    const done = run(s, sink);
    // the exchange starts synchronously: the engine has the request before the client leaves
    assert.equal(s.engines.calls.length, 1);
    sink.abort();
    await done;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.engines.aborts, ['client']);
    assert.equal(s.engines.calls.length, 1);
    assert.equal(s.leases.open, 0);
  });

  test('no retry once stream bytes went out: a mid-stream failure ends with an SSE error', async () => {
    const s = setup();
    s.engines.script('w0', { kind: 'stream', chunks: ['data: a\n\n'], failAfter: true });
    const sink = new FakeSink();
    await run(s, sink, [], true);
    assert.equal(sink.status, 200);
    assert.equal(sink.header('content-type'), 'text/event-stream');
    assert.match(sink.body, /^data: a\n\nevent: error\ndata: .*call_upstream_body_error/s);
    assert.equal(s.engines.calls.length, 1);
  });

  test('the worker key replaces the client credential only when the worker has one', async () => {
    const s = setup();
    const sink = new FakeSink();
    await run(s, sink);
    assert.equal(s.engines.calls[0]?.auth, 'Bearer client');
    assert.ok(!s.engines.calls[0]?.req.headers.includes('authorization'));
  });

  test('no worker at all: the 503 is retried, then raised', async () => {
    const s = setup({ maxAttempts: 2 });
    s.deps = {
      ...s.deps,
      select: () => {
        throw new GatewayError('no_available_workers', 'none');
      },
    };
    await assert.rejects(run(s, new FakeSink()), /none/);
    assert.deepEqual(s.sleeps, [10]);
  });

  test('stage hooks run in order at their points', async () => {
    const s = setup();
    s.engines.script('w0', reply(503)).script('w1', reply(200, 'answer'));
    const order: string[] = [];
    const stage = (name: string): Stage => ({
      name,
      beforeRouting: (x) => {
        order.push(`${name}:before`);
        x.body = `${String(x.body)} `;
      },
      afterSelection: (_x, sel) => order.push(`${name}:selected ${sel.worker.id}`),
      onAnswer: (_x, _sel, r) => {
        order.push(`${name}:answer`);
        return { ...r, body: Buffer.concat([r.body, Buffer.from(`+${name}`)]) };
      },
      onComplete: (_x, r) => order.push(`${name}:complete ${r.status}`),
    });
    const sink = new FakeSink();
    await run(s, sink, [stage('a'), stage('b')]);
    assert.deepEqual(order, [
      'a:before',
      'b:before',
      'a:selected w0',
      'b:selected w0',
      'a:selected w1',
      'b:selected w1',
      'a:answer',
      'b:answer',
      'a:complete 200',
      'b:complete 200',
    ]);
    assert.equal(sink.body, 'answer+a+b');
    assert.equal(s.engines.calls[0]?.req.body, '{"model":"m"}  ');
  });

  test('a stage rejecting before routing: the engine is never called', async () => {
    const s = setup();
    const reject: Stage = {
      name: 'reject',
      beforeRouting: () => {
        throw new GatewayError('invalid_body', 'rejected by middleware');
      },
    };
    await assert.rejects(run(s, new FakeSink(), [reject]), /rejected by middleware/);
    assert.equal(s.engines.calls.length, 0);
  });

  test('stream chunks pass through onChunk stages', async () => {
    const s = setup();
    s.engines.script('w0', { kind: 'stream', chunks: ['x', 'y'] });
    const upper: Stage = {
      name: 'upper',
      onChunk: (_x, _sel, c) => Buffer.from(c.toString().toUpperCase()),
    };
    const sink = new FakeSink();
    await run(s, sink, [upper], true);
    assert.equal(sink.body, 'XY');
    assert.ok(s.log.includes('first-byte'));
  });

  test('onStreamEnd stages send what onChunk held back, once, before the stream closes', async () => {
    const s = setup();
    s.engines.script('w0', { kind: 'stream', chunks: ['ab', 'cd'] });
    let held = '';
    let ends = 0;
    const holdLast: Stage = {
      name: 'hold-last',
      onChunk: (_x, _sel, c) => {
        const text = held + c.toString();
        held = text.slice(-1);
        return Buffer.from(text.slice(0, -1));
      },
      onStreamEnd: () => {
        ends++;
        return Buffer.from(`${held}!`);
      },
    };
    const sink = new FakeSink();
    await run(s, sink, [holdLast], true);
    assert.equal(sink.body, 'abcd!');
    assert.equal(ends, 1);
  });
});

/** The retry loop alone: a scripted attempt function instead of engines. */
describe('dispatch pipeline: the retry loop', () => {
  type Scripted = Step | Error | (() => Step);
  function scripted(steps: Scripted[], seen: string[][]): AttemptFn {
    let k = 0;
    return (_deps, _input, _scope, excluded) => {
      seen.push([...excluded]);
      const s = steps[k++];
      assert.ok(s !== undefined, `unexpected attempt ${k}`);
      if (s instanceof Error) return Promise.reject(s);
      return Promise.resolve(typeof s === 'function' ? s() : s);
    };
  }
  const retryFrom = (workerId?: string): Step => ({
    kind: 'retry',
    ...(workerId !== undefined ? { workerId } : {}),
    value: { kind: 'held', reply: { status: 503, headers: [], body: Buffer.from(workerId ?? '') } },
  });
  const runWith = (s: Setup, steps: Scripted[], seen: string[][], sink = new FakeSink()) =>
    runPipeline(
      s.deps,
      { x: exchange(), info, stages: planStages([]), sink },
      scripted(steps, seen),
    );

  test('failed workers accumulate in the exclusions; a retry without a worker adds none', async () => {
    const s = setup({ maxAttempts: 5 });
    const seen: string[][] = [];
    await runWith(
      s,
      [retryFrom('w1'), retryFrom(), retryFrom('w2'), { kind: 'done', status: 200 }],
      seen,
    );
    assert.deepEqual(seen, [[], ['w1'], ['w1'], ['w1', 'w2']]);
    assert.deepEqual(s.sleeps, [10, 20, 40], 'backoff grows between attempts');
    assert.match(s.log.at(-1) ?? '', /finished 200 attempts=4 exhausted=false/);
  });

  test('a max below 1 still runs one attempt, whose held answer then goes out', async () => {
    const s = setup({ maxAttempts: 0 });
    const sink = new FakeSink();
    await runWith(s, [retryFrom('w1')], [], sink);
    assert.equal(sink.status, 503);
    assert.deepEqual(s.sleeps, []);
    assert.match(s.log.at(-1) ?? '', /finished 503 attempts=1 exhausted=true/);
  });

  test('the client leaving during an attempt skips the backoff', async () => {
    const s = setup({ maxAttempts: 5 });
    const sink = new FakeSink();
    const leave = (): Step => {
      sink.abort();
      return retryFrom('w1');
    };
    await runWith(s, [leave], [], sink);
    assert.deepEqual(s.sleeps, []);
    assert.equal(sink.headersSent, false);
    assert.match(s.log.at(-1) ?? '', /finished 0 attempts=1 exhausted=false/);
  });

  test('a sleep that fails: raised unless the request was aborted meanwhile', async () => {
    const s = setup({ maxAttempts: 3 });
    s.deps = { ...s.deps, sleep: () => Promise.reject(new Error('timer broke')) };
    await assert.rejects(runWith(s, [retryFrom('w1')], []), /timer broke/);
    const sink = new FakeSink();
    s.deps = {
      ...s.deps,
      sleep: () => {
        sink.abort();
        return Promise.reject(new Error('aborted'));
      },
    };
    await runWith(s, [retryFrom('w1')], [], sink);
    assert.equal(sink.headersSent, false);
  });

  test('an attempt that throws is raised as it is, and reported as an internal error', async () => {
    const s = setup();
    await assert.rejects(runWith(s, [new Error('boom')], []), /boom/);
    assert.match(s.log.at(-1) ?? '', /finished 500 attempts=1 exhausted=false/);
  });
});
