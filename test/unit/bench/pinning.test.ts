import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pinning, pinningProblem } from '../../../bench/proxy/pinning';

test('--pin: proxies on CPUs from 0, the load side on the rest', () => {
  const p = pinning({ pin: true, workers: [1] }, 2);
  assert.equal(p.proxy(1), '0');
  assert.equal(p.load, '1');
  const wide = pinning({ pin: true, workers: [1, 2] }, 8);
  assert.equal(wide.proxy(1), '0');
  assert.equal(wide.proxy(2), '0-1');
  assert.equal(wide.load, '2-7'); // never a CPU a proxy of the run may use
});

test('without --pin nothing is placed', () => {
  const p = pinning({ pin: false, workers: [1, 2] }, 2);
  assert.equal(p.proxy(1), undefined);
  assert.equal(p.load, undefined);
  assert.equal(pinningProblem({ pin: false, workers: [4] }, 2), undefined);
});

test('--pin refuses a run whose widest proxy leaves no CPU for the load', () => {
  assert.match(pinningProblem({ pin: true, workers: [1, 2] }, 2) ?? '', /--workers 1/);
  assert.equal(pinningProblem({ pin: true, workers: [1] }, 2), undefined);
});
