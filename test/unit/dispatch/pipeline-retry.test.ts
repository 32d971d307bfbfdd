import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPipeline, type AttemptFn, type Step } from '../../../src/dispatch/pipeline';
import { planStages } from '../../../src/dispatch/stages';
import { FakeSink } from './fakes';
import { exchange, info, setup, type Setup } from './pipeline-setup';

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
