import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startPipeline } from '../../../src/dispatch/pipeline';
import { planStages } from '../../../src/dispatch/stages';
import { RequestScope, type AbortReason } from '../../../src/dispatch/scope';
import { GatewayError } from '../../../src/errors/gateway-error';
import { FakeSink, reply } from './fakes';
import { exchange, info, setup } from './pipeline-setup';

/** The pipeline's run as its own completion (no promise), and the scope's watchers. */
describe('dispatch pipeline: the run as a completion', () => {
  const outcome = (c: { then(d: () => void, e: (err: unknown) => void): void }) =>
    new Promise<string>((resolve) =>
      c.then(
        () => resolve('done'),
        (err) => resolve(`error ${(err as GatewayError).code ?? String(err)}`),
      ),
    );

  test('every listener hears the end once, also one attached after it', async () => {
    const s = setup();
    s.engines.script('w0', reply(200, '{"ok":true}'));
    const sink = new FakeSink();
    const run = startPipeline(s.deps, { x: exchange(), info, stages: planStages([]), sink });
    const heard: string[] = [];
    run.then(
      () => heard.push('first'),
      () => heard.push('first failed'),
    );
    run.then(
      () => heard.push('second'),
      () => heard.push('second failed'),
    );
    assert.equal(await outcome(run), 'done');
    assert.deepEqual(heard, ['first', 'second']);
    assert.equal(sink.status, 200);
    let late = '';
    run.then(
      () => (late = 'done'),
      () => (late = 'failed'),
    );
    assert.equal(late, 'done', 'a listener attached after the end is told at once');
    assert.match(s.log.at(-1) ?? '', /finished 200 attempts=1/);
  });

  test('a stage that rejects before routing fails the run with its error; nothing is selected', async () => {
    const s = setup();
    const sink = new FakeSink();
    const stages = planStages([
      {
        name: 'reject',
        beforeRouting: () => {
          throw new GatewayError('wasm_rejected', '', { status: 403 });
        },
      },
    ]);
    const run = startPipeline(s.deps, { x: exchange(), info, stages, sink });
    assert.equal(await outcome(run), 'error wasm_rejected');
    assert.ok(!s.log.some((l) => l.startsWith('selected')));
    assert.match(s.log.at(-1) ?? '', /finished 403 attempts=0/);
  });

  test('await accepts the run', async () => {
    const s = setup();
    s.engines.script('w0', reply(200));
    const sink = new FakeSink();
    await startPipeline(s.deps, { x: exchange(), info, stages: planStages([]), sink });
    assert.equal(sink.status, 200);
    assert.equal(s.leases.open, 0);
  });
});

describe('request scope: watchers', () => {
  const watcher = (name: string, heard: string[]) => ({
    scopeAborted: (r: AbortReason) => heard.push(`${name} ${r}`),
  });

  test('watchers are told in the order they came; an unwatched one is not', () => {
    const scope = new RequestScope();
    const heard: string[] = [];
    const a = watcher('a', heard);
    const b = watcher('b', heard);
    const c = watcher('c', heard);
    scope.watch(a);
    scope.watch(b);
    scope.watch(c);
    scope.unwatch(b);
    const off = scope.onAbort((r) => heard.push(`fn ${r}`));
    const offLater = scope.onAbort((r) => heard.push(`gone ${r}`));
    offLater();
    scope.abort('deadline');
    scope.abort('client');
    assert.deepEqual(heard, ['a deadline', 'c deadline', 'fn deadline']);
    off(); // after the abort: harmless
  });

  test('a watcher that comes after the abort is told at once; a single one can leave', () => {
    const scope = new RequestScope();
    const heard: string[] = [];
    const a = watcher('a', heard);
    scope.watch(a);
    scope.unwatch(a);
    scope.abort('client');
    assert.deepEqual(heard, []);
    scope.watch(watcher('late', heard));
    assert.deepEqual(heard, ['late client']);
  });

  test('dispose drops every watcher', () => {
    const scope = new RequestScope();
    const heard: string[] = [];
    scope.watch(watcher('a', heard));
    scope.watch(watcher('b', heard));
    scope.dispose();
    scope.abort('client');
    assert.deepEqual(heard, []);
  });
});
