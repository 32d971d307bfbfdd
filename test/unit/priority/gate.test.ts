import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPriorityGate, type SchedulerBackend } from '../../../src/priority/gate';
import type { SchedOutcome } from '../../../src/priority/core';
import type { PreemptEvent } from '../../../src/priority/service';
import { prioritySettings } from '../../../src/priority/settings';
import type { PriorityClass } from '../../../src/priority/classes';
import type { SchedulerMetrics } from '../../../src/metrics/scheduler-metrics';
import { preemptibleSink } from '../../../src/routes/priority-guard';
import type { HeaderList, ResponseSink } from '../../../src/server/types';

/** A backend whose admissions the test resolves by hand; it records what the gate sends. */
function fakeBackend() {
  const sent: string[] = [];
  const pending = new Map<string, (r: SchedOutcome) => void>();
  let deliver: (e: PreemptEvent) => void = () => undefined;
  const backend: SchedulerBackend = {
    admit: (ticket) => new Promise((resolve) => pending.set(ticket, resolve)),
    release: (t) => sent.push(`release ${t}`),
    decline: (t) => sent.push(`decline ${t}`),
    listen: (cb) => void (deliver = cb),
    close: () => Promise.resolve(),
  };
  return {
    backend,
    sent,
    answer: (t: string, r: SchedOutcome) => pending.get(t)?.(r),
    preempt: (ticket: string, victim: PriorityClass = 'bulk') =>
      deliver({ ticket, victim, by: 'system' }),
  };
}

function fakeMetrics() {
  const seen: string[] = [];
  const m: SchedulerMetrics = {
    admit: (c, o) => seen.push(`admit ${c} ${o}`),
    queueWait: (c) => seen.push(`wait ${c}`),
    preemption: (v, b) => seen.push(`preempt ${v} by ${b}`),
    clamp: (t, r, e) => seen.push(`clamp ${t} ${r}→${e}`),
    unknownPriority: (t) => seen.push(`unknown ${t}`),
    starvationPromotion: (c) => seen.push(`promoted ${c}`),
    sample: () => undefined,
  };
  return { m, seen };
}

function setup(topN = 32) {
  const b = fakeBackend();
  const metrics = fakeMetrics();
  const settings = prioritySettings(
    { classes: {}, tenantPolicies: { 'auth:ops': 'system' } },
    'interactive',
    topN,
  );
  const gate = createPriorityGate({
    settings,
    backend: b.backend,
    metrics: metrics.m,
    now: () => 0,
  });
  return { ...b, gate, seen: metrics.seen };
}

test('classify: the header clamped to the tenant maximum; unknown values counted', () => {
  const s = setup(1);
  assert.equal(s.gate.classify('system', 'auth:ops'), 'system');
  assert.equal(s.gate.classify('system', 'auth:other'), 'interactive');
  assert.equal(s.gate.classify(undefined, 'auth:other'), 'default');
  assert.equal(s.gate.classify('nope', 'auth:third'), 'default');
  assert.equal(s.gate.classify('bulk', 'constructor'), 'bulk');
  assert.deepEqual(s.seen, ['clamp auth:other system→interactive', 'unknown other']);
});

test('a preemption request for a held request that has not started: preempted and released', async () => {
  const s = setup();
  const p = s.gate.admit('bulk', new AbortController().signal);
  s.answer('1', 'admitted');
  const { ticket } = await p;
  let asked = 0;
  s.gate.hold(ticket, 'bulk', { preempt: () => (++asked, true) });
  s.preempt(ticket);
  assert.equal(asked, 1);
  assert.deepEqual(s.sent, ['release 1']);
  s.gate.release(ticket, 'admitted'); // the handler's own release afterwards: a no-op
  assert.deepEqual(s.sent, ['release 1']);
  assert.deepEqual(s.seen, ['preempt bulk by system', 'admit bulk preempted']);
});

test('too late (first byte out) declines; unknown tickets decline; a grant in flight is preempted on hold', async () => {
  const s = setup();
  const a = s.gate.admit('bulk', new AbortController().signal);
  s.answer('1', 'admitted');
  s.gate.hold((await a).ticket, 'bulk', { preempt: () => false });
  s.preempt('1');
  s.preempt('99');
  assert.deepEqual(s.sent, ['decline 1', 'decline 99']);

  const b = s.gate.admit('default', new AbortController().signal);
  s.preempt('2', 'default'); // asked before the admission's answer arrived
  s.answer('2', 'waited');
  const { ticket } = await b;
  let asked = 0;
  s.gate.hold(ticket, 'default', { preempt: () => (++asked, true) });
  assert.equal(asked, 1);
  assert.deepEqual(s.sent.slice(2), ['release 2']);
});

/** A sink that records calls. */
function recordingSink() {
  const calls: string[] = [];
  let abortCb: (() => void) | undefined;
  const sink: ResponseSink = {
    aborted: false,
    headersSent: false,
    onAbort: (cb) => void (abortCb = cb),
    send: (status: number, _h: HeaderList, body) => calls.push(`send ${status} ${String(body)}`),
    writeHead: (status) => calls.push(`head ${status}`),
    write: (c) => (calls.push(`write ${String(c)}`), true),
    waitDrain: () => Promise.resolve(),
    end: () => calls.push('end'),
  };
  return { sink, calls, clientGone: () => abortCb?.() };
}

test('preemptibleSink: preempt answers 503 and silences the handler; refused once a byte left', () => {
  const r = recordingSink();
  const p = preemptibleSink(r.sink);
  let aborted = 0;
  p.sink.onAbort(() => aborted++);
  assert.equal(p.preempt(), true);
  assert.equal(aborted, 1);
  assert.equal(p.sink.aborted, true);
  p.sink.writeHead(200, []);
  p.sink.write('x');
  p.sink.end();
  assert.equal(r.calls.length, 1);
  assert.match(r.calls[0] ?? '', /^send 503 .*scheduler_preempted/);
  r.clientGone(); // abort callbacks run once
  assert.equal(aborted, 1);

  const r2 = recordingSink();
  const p2 = preemptibleSink(r2.sink);
  p2.sink.writeHead(200, []);
  assert.equal(p2.preempt(), false);
  p2.sink.write('data');
  assert.deepEqual(r2.calls, ['head 200', 'write data']);
});
