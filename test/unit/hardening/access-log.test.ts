import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createAccessLog } from '../../../src/server/access-log';
import type { IncomingRequest } from '../../../src/server/types';

function logger(lines: string[], level = 'info'): pino.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return pino({ level }, stream);
}

const req = (id: string): IncomingRequest => ({
  method: 'POST',
  path: '/generate',
  query: '',
  headers: new Map(),
  remoteAddress: '10.0.0.1',
  requestId: id,
  params: {},
  notes: {
    model: 'm',
    firstByteAt: 100,
    lastByteAt: 190,
    completionTokens: 10,
    promptTokens: 3,
  },
});
const end = { status: 200, errorCode: undefined, bytesIn: 5, bytesOut: 7, seconds: 0.25 };

test('sample rate 0 turns the access log off', () => {
  assert.equal(createAccessLog({ logger: logger([]), sampleRate: 0 }), undefined);
});

test('a sample rate logs that fraction (injected random), with TPOT from the stream timing', () => {
  const lines: string[] = [];
  const draws = [0.1, 0.6, 0.3, 0.9];
  const log = createAccessLog({
    logger: logger(lines),
    sampleRate: 0.5,
    random: () => draws.shift() ?? 1,
  });
  for (const id of ['a', 'b', 'c', 'd']) if (log?.take()) log.write(req(id), end);
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    logged.map((l) => l['requestId']),
    ['a', 'c'],
  );
  assert.equal(logged[0]?.['tpotMs'], 10); // (190 − 100) / (10 − 1)
  assert.equal(logged[0]?.['latencyMs'], 250);
  assert.equal(logged[0]?.['client'], '10.0.0.1');
});

test('nothing is built when info is disabled', () => {
  const lines: string[] = [];
  const log = createAccessLog({ logger: logger(lines, 'warn'), sampleRate: 1 });
  assert.equal(log?.take(), false, 'a request is not taken while info is off');
  assert.equal(lines.length, 0);
});
