import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Stage } from '../../../src/dispatch/stages';
import { GatewayError } from '../../../src/errors/gateway-error';
import type { EngineClient } from '../../../src/dispatch/engine-client';
import { FakeSink, reply } from './fakes';
import { run, setup } from './pipeline-setup';

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

  test('a stage throwing after selection: the error goes out once, the lease is released, no engine call', async () => {
    const s = setup();
    const reject: Stage = {
      name: 'reject-selected',
      afterSelection: () => {
        throw new GatewayError('invalid_body', 'refused after selection');
      },
    };
    const sink = new FakeSink();
    await assert.rejects(run(s, sink, [reject]), /refused after selection/);
    assert.equal(s.engines.calls.length, 0);
    assert.equal(s.leases.open, 0, 'the lease taken for the selected worker is released');
    assert.equal(sink.headersSent, false);
    assert.equal(s.log.filter((l) => l.startsWith('finished')).length, 1, 'finished once');
  });

  test('an exchange that fails and then throws while starting counts as one failed attempt', async () => {
    const s = setup();
    s.engines.script('w1', reply(200, 'second'));
    // w0's client reports a transport error synchronously, then throws out of exchange()
    const failsThenThrows: EngineClient = {
      origin: 'http://w0.test',
      exchange: (_req, h) => {
        h.onError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        throw new Error('thrown after the failure was reported');
      },
      call: () => Promise.reject(new Error('unused')),
    };
    const client = s.deps.client;
    s.deps = { ...s.deps, client: (w) => (w.id === 'w0' ? failsThenThrows : client(w)) };
    const sink = new FakeSink();
    await run(s, sink);
    assert.equal(sink.status, 200);
    assert.equal(sink.body, 'second');
    assert.equal(s.leases.open, 0);
    assert.deepEqual(
      s.log.filter((l) => l.startsWith('selected') || l.startsWith('finished')),
      ['selected w0', 'selected w1', 'finished 200 attempts=2 exhausted=false'],
    );
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
