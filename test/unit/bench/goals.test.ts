import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedRatio, type Measured } from '../../../bench/proxy/goals';
import { roundOrder } from '../../../bench/proxy/runner';

const measured = (value: number | null, byRound: Record<string, number | null>): Measured => ({
  target: 't',
  kind: 'collie',
  processes: 1,
  value,
  byRound,
  complete: true,
});

test('a ratio pairs rounds: a round where the machine was slow moves both sides', () => {
  // the floor's third round ran on a fast moment, collie's on a slow one: the medians say 2.0
  const floor = measured(60, { '1': 50, '2': 100, '3': 60 });
  const collie = measured(120, { '1': 70, '2': 140, '3': 120 });
  const [r, rounds] = pairedRatio(collie, floor);
  assert.deepEqual(rounds, [1.4, 1.4, 2]);
  assert.equal(r, 1.4);
});

test('rounds missing or without a value on either side are left out', () => {
  const floor = measured(50, { '1': 50, '2': null, '3': 0 });
  const collie = measured(80, { '1': 75, '2': 80, '3': 90, '4': 100 });
  const [r, rounds] = pairedRatio(collie, floor);
  assert.deepEqual(rounds, [1.5]);
  assert.equal(r, 1.5);
});

test('no round in common: the ratio of the medians', () => {
  const [r, rounds] = pairedRatio(measured(90, { '2': 90 }), measured(60, { '1': 60 }));
  assert.deepEqual(rounds, []);
  assert.equal(r, 1.5);
  assert.deepEqual(pairedRatio(measured(null, {}), measured(60, {})), [null, []]);
});

test('a round runs the engine alone first, then each process count with every proxy', () => {
  const t = (id: string, processes: number | null) => ({ id, processes });
  const order = roundOrder([
    t('direct', null),
    t('floor-w1', 1),
    t('floor-w2', 2),
    t('collie-w1', 1),
    t('collie-w2', 2),
    t('nginx-w1', 1),
    t('nginx-w2', 2),
  ]).map((x) => x.id);
  assert.deepEqual(order, [
    'direct',
    'floor-w1',
    'collie-w1',
    'nginx-w1',
    'floor-w2',
    'collie-w2',
    'nginx-w2',
  ]);
});
