import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Replica, type Snapshot } from '../../../src/state/redis-replica';
import type { StateMessage } from '../../../src/state/bus';
import type { Entries } from '../../../src/state/redis-codec';

function replica(): { r: Replica; seen: StateMessage[] } {
  const r = new Replica('me', (err) => {
    throw err;
  });
  const seen: StateMessage[] = [];
  r.subscribe((m) => seen.push(m));
  return { r, seen };
}

const snapshot = (loads: Record<string, Entries>): Snapshot => ({
  registry: undefined,
  engineLoads: undefined,
  loads: new Map(Object.entries(loads)),
  invalid: 0,
});

test('a peer counts while one of its loads is above zero, whatever zeros it reported', () => {
  const { r } = replica();
  r.deliver({ t: 'loads', from: 'p1', entries: [['w1', 2]] });
  r.deliver({ t: 'loads', from: 'p2', entries: [['w1', 1]] });
  r.deliver({ t: 'loads', from: 'p2', entries: [['w1', 0]] });
  assert.deepEqual(r.knownPeers(), ['p1']);
  r.deliver({ t: 'loads', from: 'p2', entries: [['w2', 3]] });
  assert.deepEqual(r.knownPeers().sort(), ['p1', 'p2']);
  r.deliver({ t: 'peer-down', from: 'p1' });
  assert.deepEqual(r.knownPeers(), ['p2']);
});

test('a resync delivers only differences: a load back at zero is not re-announced', () => {
  const { r, seen } = replica();
  r.deliver({
    t: 'loads',
    from: 'p1',
    entries: [
      ['w1', 2],
      ['w2', 1],
    ],
  });
  r.deliver({ t: 'loads', from: 'p1', entries: [['w2', 0]] });
  seen.length = 0;
  // the snapshot lists p1's non-zero loads only
  r.applySnapshot(snapshot({ p1: [['w1', 2]] }), new Set());
  assert.deepEqual(seen, []);
  r.applySnapshot(snapshot({ p1: [['w2', 4]] }), new Set());
  assert.deepEqual(seen, [
    {
      t: 'loads',
      from: 'p1',
      entries: [
        ['w2', 4],
        ['w1', 0],
      ],
    },
  ]);
});

test('a dead peer is announced down only while a load of its counts', () => {
  const { r, seen } = replica();
  r.deliver({ t: 'loads', from: 'idle', entries: [['w1', 1]] });
  r.deliver({ t: 'loads', from: 'idle', entries: [['w1', 0]] });
  r.deliver({ t: 'loads', from: 'busy', entries: [['w1', 1]] });
  seen.length = 0;
  r.applySnapshot(snapshot({}), new Set(['idle', 'busy']));
  assert.deepEqual(seen, [{ t: 'peer-down', from: 'busy' }]);
});
