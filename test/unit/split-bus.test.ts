import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSplitBus } from '../../src/state/split-bus';
import { createMemoryHub } from '../../src/state/memory-bus';
import type { StateMessage } from '../../src/state/bus';
import type { Worker } from '../../src/core/worker';
import { makeWorker } from './policies/fixtures';

const worker = (id: string, url: string): Worker => ({ ...makeWorker(0), id, url });

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

void test('split bus: loads and their pending work cross instances by URL, not by local id', async () => {
  const shared = createMemoryHub();
  const localA = createMemoryHub();
  const localB = createMemoryHub();
  // the same engine is 'a-1' in instance A and 'b-7' in instance B
  localA.join('ctl').publish({ t: 'registry', version: 1, workers: [worker('a-1', 'http://e1')] });
  localB.join('ctl').publish({ t: 'registry', version: 1, workers: [worker('b-7', 'http://e1')] });
  const a = createSplitBus(localA.join('pa'), shared.join('pa'));
  const b = createSplitBus(localB.join('pb'), shared.join('pb'));
  const got: StateMessage[] = [];
  b.subscribe((m) => {
    if (m.t === 'loads') got.push(m);
  });
  await settle();
  a.publish({ t: 'loads', from: 'pa', entries: [['a-1', 2]], pending: [['a-1', 30]] });
  a.publish({ t: 'loads', from: 'pa', entries: [['a-1', 1]] });
  await settle();
  assert.deepEqual(got, [
    { t: 'loads', from: 'pa', entries: [['b-7', 2]], pending: [['b-7', 30]] },
    { t: 'loads', from: 'pa', entries: [['b-7', 1]] },
  ]);
  a.close();
  b.close();
});
