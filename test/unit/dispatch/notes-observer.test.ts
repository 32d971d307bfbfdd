import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNotesObserver } from '../../../src/dispatch/notes-observer';
import type { DispatchExchange } from '../../../src/dispatch/stages';
import type { RequestNotes } from '../../../src/server/types';
import { incoming } from './fakes';

function setup(): { x: DispatchExchange; notes: RequestNotes; clock: { t: number } } {
  const req = { ...incoming({}), notes: {} };
  const x: DispatchExchange = {
    req,
    requested: 'm',
    model: 'm',
    endpoint: 'chat',
    stream: true,
    upstreamPath: '/v1/chat/completions',
    body: '{}',
    startedMs: 0,
  };
  return { x, notes: req.notes, clock: { t: 0 } };
}

const done = { status: 200, attempts: 1, exhausted: false };
const event = (json: unknown): Buffer => Buffer.from(`data: ${JSON.stringify(json)}\n\n`);

test('a stream: usage from its last events, read once it ended; TPOT timing from first to last byte', () => {
  const { x, notes, clock } = setup();
  const o = createNotesObserver(() => clock.t);
  clock.t = 100;
  o.firstByte(x, 0.1);
  for (let i = 0; i < 50; i++) {
    clock.t += 10;
    o.body?.(x, event({ choices: [{ delta: { content: 'tok' } }] }));
  }
  o.body?.(x, event({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 50 } }));
  o.body?.(x, Buffer.from('data: [DONE]\n\n'));
  assert.equal(notes.completionTokens, undefined, 'nothing is scanned while the stream runs');
  clock.t = 700;
  o.finished(x, done, 0.7);
  assert.equal(notes.promptTokens, 9);
  assert.equal(notes.completionTokens, 50);
  assert.equal(notes.firstByteAt, 100);
  assert.equal(notes.lastByteAt, 700);
  assert.equal(notes.streamTail, undefined, 'the kept chunks are let go');
});

test('a usage report split across two chunks is still read; SGLang cumulative counts: the last wins', () => {
  const { x, notes } = setup();
  const o = createNotesObserver(() => 0);
  o.firstByte(x, 0);
  const text = 'data: {"meta_info":{"prompt_tokens":4,"completion_tokens":7}}\n\n';
  o.body?.(x, Buffer.from('data: {"meta_info":{"prompt_tokens":4,"completion_tokens":6}}\n\n'));
  o.body?.(x, Buffer.from(text.slice(0, 40)));
  o.body?.(x, Buffer.from(text.slice(40)));
  o.finished(x, done, 0);
  assert.equal(notes.promptTokens, 4);
  assert.equal(notes.completionTokens, 7);
});

test('a buffered answer is scanned as it comes; no stream timing', () => {
  const { x, notes } = setup();
  const o = createNotesObserver(() => 5);
  o.body?.(x, Buffer.from('{"usage":{"prompt_tokens":3,"completion_tokens":2}}'));
  assert.equal(notes.completionTokens, 2);
  o.finished(x, done, 0);
  assert.equal(notes.lastByteAt, undefined);
  assert.equal(notes.attempts, 1);
});
