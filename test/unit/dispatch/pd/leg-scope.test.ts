import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legScope } from '../../../../src/dispatch/pd/legs';
import { RequestScope } from '../../../../src/dispatch/scope';

test('a leg scope follows its request at once when not deferred', () => {
  const parent = new RequestScope();
  const { scope } = legScope(parent);
  parent.abort('client');
  assert.equal(scope.reason, 'client');
});

test('the decode leg hears of a client disconnect only once the prefill leg settled', async () => {
  const parent = new RequestScope();
  let settle!: () => void;
  const prefill = new Promise<void>((r) => (settle = r));
  const { scope, dispose } = legScope(parent, { until: prefill, graceMs: 60_000 });
  parent.abort('client');
  await Promise.resolve();
  assert.equal(scope.aborted, false, 'still waiting for the KV hand-off');
  settle();
  await prefill;
  await Promise.resolve();
  assert.equal(scope.reason, 'client');
  dispose();
});

test('the grace bounds the wait; a deadline is never deferred', async () => {
  const parent = new RequestScope();
  const never = new Promise<void>(() => undefined);
  const { scope } = legScope(parent, { until: never, graceMs: 1 });
  parent.abort('client');
  await new Promise<void>((resolve) => scope.onAbort(() => resolve()));
  assert.equal(scope.reason, 'client');

  const p2 = new RequestScope();
  const l2 = legScope(p2, { until: never, graceMs: 60_000 });
  p2.abort('deadline');
  assert.equal(l2.scope.reason, 'deadline');
  l2.dispose();
});
