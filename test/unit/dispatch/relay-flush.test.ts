import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, type RelayOutcome } from '../../../src/dispatch/relay';
import { RequestScope } from '../../../src/dispatch/scope';
import type { EngineClient, EngineText } from '../../../src/dispatch/engine-client';
import type { ExchangeHandler } from '../../../src/dispatch/exchange';
import type { HeaderList, ResponseSink } from '../../../src/server/types';

/**
 * A streamed answer leaves the relay once per event-loop turn: what the engine's socket
 * delivered in that turn goes out in one corked write. These tests drive the relay's handler
 * by hand (as undici does: several body callbacks in one turn when one read held several).
 */

/** A sink that logs every call, with `cork` sections marked, and a switchable slow client. */
class LogSink implements ResponseSink {
  aborted = false;
  headersSent = false;
  readonly log: string[] = [];
  slow = false;
  private drain: Array<() => void> = [];
  onAbort(): void {}
  send(status: number): void {
    this.log.push(`send ${status}`);
  }
  writeHead(status: number, headers: HeaderList): void {
    this.headersSent = true;
    const names = [...headers].map(([k]) => k).join(',');
    this.log.push(`head ${status} ${names}`);
  }
  write(chunk: Uint8Array | string): boolean {
    this.log.push(`write ${Buffer.from(chunk).toString()}`);
    return !this.slow;
  }
  waitDrain(): Promise<void> {
    return new Promise((resolve) => this.drain.push(resolve));
  }
  end(chunk?: Uint8Array | string): void {
    this.log.push(chunk === undefined ? 'end' : `end ${Buffer.from(chunk).toString()}`);
  }
  cork(fn: () => void): void {
    this.log.push('(');
    fn();
    this.log.push(')');
  }
  drained(): void {
    this.slow = false;
    for (const d of this.drain.splice(0)) d();
  }
}

interface Driven {
  h: ExchangeHandler;
  resumed: number;
  outcome: Promise<RelayOutcome>;
}

function drive(sink: ResponseSink, hooks?: { onStreamEnd?: () => Buffer | undefined }): Driven {
  let handler: ExchangeHandler | undefined;
  const client: EngineClient = {
    origin: 'http://engine',
    exchange: (_req, h) => {
      handler = h;
    },
    call: (): Promise<EngineText> => Promise.reject(new Error('unused')),
  };
  const d = { resumed: 0 } as Driven;
  d.outcome = new Promise((resolve) => {
    startRelay(
      {
        client,
        request: { method: 'POST', path: '/v1/chat/completions', headers: [] },
        sink,
        scope: new RequestScope(),
        stream: true,
        ...(hooks ? { hooks } : {}),
      },
      { settled: resolve },
    );
  });
  assert.ok(handler);
  d.h = handler;
  d.h.onStart(() => undefined);
  return d;
}

const sse = [Buffer.from('content-type'), Buffer.from('text/event-stream')];
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('chunks of one turn leave in one corked write, with the head when it came along', async () => {
  const sink = new LogSink();
  const d = drive(sink);
  d.h.onHead(200, sse, () => d.resumed++);
  assert.equal(d.h.onBody(Buffer.from('a')), true);
  assert.equal(d.h.onBody(Buffer.from('b')), true);
  await Promise.resolve();
  assert.deepEqual(sink.log, [], 'nothing is written before the turn ends (not in a microtask)');
  await tick();
  assert.deepEqual(sink.log, ['(', 'head 200 content-type', 'write a', 'write b', ')']);
  d.h.onBody(Buffer.from('c'));
  await tick();
  d.h.onBody(Buffer.from('d'));
  d.h.onEnd();
  assert.deepEqual(sink.log.slice(5), ['(', 'write c', ')', '(', 'write d', 'end', ')']);
  assert.deepEqual(await d.outcome, { kind: 'relayed', status: 200 });
});

test('a chunk that arrives alone is sent in the same turn (no waiting for company)', async () => {
  const sink = new LogSink();
  const d = drive(sink);
  d.h.onHead(200, sse, () => undefined);
  await tick();
  assert.deepEqual(sink.log, ['(', 'head 200 content-type', ')'], 'the head goes out at once');
  d.h.onBody(Buffer.from('x'));
  await tick(); // the check phase of the same turn
  assert.deepEqual(sink.log.slice(3), ['(', 'write x', ')']);
});

test('the stream-end hook output follows the pending chunks, in the same write', async () => {
  const sink = new LogSink();
  const d = drive(sink, { onStreamEnd: () => Buffer.from('tail') });
  d.h.onHead(200, sse, () => undefined);
  d.h.onBody(Buffer.from('a'));
  d.h.onEnd();
  assert.deepEqual(sink.log, ['(', 'head 200 content-type', 'write a', 'end tail', ')']);
  await tick();
  assert.equal(sink.log.length, 5, 'the queued flush finds nothing left');
});

test('an engine failure mid-stream: pending chunks, then the error event, then the end', async () => {
  const sink = new LogSink();
  const d = drive(sink);
  d.h.onHead(200, sse, () => undefined);
  d.h.onBody(Buffer.from('a'));
  d.h.onError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
  assert.equal(sink.log[2], 'write a');
  assert.match(sink.log[3] ?? '', /^write event: error/);
  assert.equal(sink.log[4], 'end');
  assert.deepEqual(await d.outcome, { kind: 'relayed', status: 200 });
});

/** A stream whose first chunk the client refused (the write happened, the sink said slow). */
async function refusedFirstChunk(): Promise<{ sink: LogSink; d: Driven }> {
  const sink = new LogSink();
  const d = drive(sink);
  d.h.onHead(200, sse, () => d.resumed++);
  sink.slow = true;
  assert.equal(d.h.onBody(Buffer.from('a')), true, 'not known yet: the write has not happened');
  await tick();
  return { sink, d };
}

test('a slow client pauses the engine at the next chunk and resumes it once drained', async () => {
  const { sink, d } = await refusedFirstChunk();
  assert.equal(d.h.onBody(Buffer.from('b')), false, 'the sink said slow: pause reading');
  await tick();
  assert.equal(d.resumed, 0);
  assert.deepEqual(
    sink.log.filter((l) => l.startsWith('write')),
    ['write a', 'write b'],
    'what was read is still delivered',
  );
  sink.drained();
  await tick();
  assert.equal(d.resumed, 1, 'reading resumes after the drain');
  assert.equal(d.h.onBody(Buffer.from('c')), true);
  d.h.onEnd();
  assert.deepEqual(await d.outcome, { kind: 'relayed', status: 200 });
});

test('a drain with no paused read resumes nothing', async () => {
  const { sink, d } = await refusedFirstChunk();
  sink.drained();
  await tick();
  assert.equal(d.resumed, 0);
  assert.equal(d.h.onBody(Buffer.from('b')), true);
});

test('a sink without cork gets the same writes, one call each', () => {
  const sink = new LogSink();
  const plain: ResponseSink = {
    get aborted() {
      return false;
    },
    get headersSent() {
      return sink.headersSent;
    },
    onAbort: () => undefined,
    send: (s) => sink.send(s),
    writeHead: (s, h) => sink.writeHead(s, h),
    write: (c) => sink.write(c),
    waitDrain: () => sink.waitDrain(),
    end: (c) => sink.end(c),
  };
  const d = drive(plain);
  d.h.onHead(200, sse, () => undefined);
  d.h.onBody(Buffer.from('a'));
  d.h.onBody(Buffer.from('b'));
  d.h.onEnd();
  assert.deepEqual(sink.log, ['head 200 content-type', 'write a', 'write b', 'end']);
});
