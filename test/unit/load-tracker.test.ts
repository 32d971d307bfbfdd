import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoadTracker } from '../../src/core/load-tracker';
import { createMemoryHub } from '../../src/state/memory-bus';

void test('pendingBlocks: prefill work in flight per worker, released once with its request', () => {
  const bus = createMemoryHub().join('p1');
  const loads = createLoadTracker({ bus });
  try {
    const a = loads.acquire('w1', 120);
    const b = loads.acquire('w1', 5);
    const c = loads.acquire('w2'); // no work: a request routed without a prediction
    loads.acquire('w3', Number.NaN); // nonsense work counts as none
    assert.deepEqual([loads.pendingBlocks('w1'), loads.pendingBlocks('w2')], [125, 0]);
    assert.equal(loads.pendingBlocks('w3'), 0);
    assert.equal(loads.get('w1'), 2);
    a();
    a(); // idempotent
    assert.equal(loads.pendingBlocks('w1'), 5);
    b();
    c();
    assert.deepEqual([loads.pendingBlocks('w1'), loads.get('w1'), loads.get('w2')], [0, 0, 0]);
    loads.acquire('w4', 9);
    loads.forget('w4');
    assert.equal(loads.pendingBlocks('w4'), 0);
  } finally {
    loads.close();
  }
});
