import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetainedState, type StateMessage } from '../../../src/state/bus';

void test("a late process gets each worker's KV deltas since its last clear", () => {
  const r = new RetainedState();
  const kv = (
    worker: string,
    extra: Partial<Extract<StateMessage, { t: 'kv' }>>,
  ): StateMessage => ({
    t: 'kv',
    worker,
    model: 'm',
    live: true,
    ...extra,
  });
  r.record(kv('a', { stored: 'AQAAAAAAAAA=' }));
  r.record(kv('b', { stored: 'AgAAAAAAAAA=' }));
  r.record(kv('a', { cleared: true }));
  r.record(kv('a', { stored: 'AwAAAAAAAAA=' }));
  const replayed = r.replayFor('late').filter((m) => m.t === 'kv');
  assert.deepEqual(
    replayed.map((m) => (m.t === 'kv' ? [m.worker, m.cleared ?? false, m.stored ?? ''] : [])),
    [
      ['a', true, ''],
      ['a', false, 'AwAAAAAAAAA='],
      ['b', false, 'AgAAAAAAAAA='],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  );
});
