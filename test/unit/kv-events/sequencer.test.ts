import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSequencer } from '../../../src/kv-events/sequencer';

void test('in order applies; a jump is a gap; going back is a restart', () => {
  const s = createSequencer();
  assert.equal(s.live(5n), 'apply');
  assert.equal(s.live(6n), 'apply');
  assert.equal(s.live(9n), 'gap');
  assert.equal(s.expected, 7n, 'a gap does not advance');
  assert.equal(s.replayed(6n), 'duplicate');
  assert.equal(s.replayed(7n), 'apply');
  assert.equal(s.replayed(8n), 'apply');
  assert.equal(s.live(9n), 'apply');
  assert.equal(s.live(0n), 'restart');
  assert.equal(s.expected, 1n);
});

void test('a replay that starts past expected reports the batches lost', () => {
  const s = createSequencer();
  s.live(0n);
  assert.equal(s.replayed(4n), 'lost');
  assert.equal(s.expected, 5n);
  s.reset();
  assert.equal(s.expected, undefined);
  s.expect(0n);
  assert.equal(s.replayed(0n), 'apply');
});
