import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSupervisorMessage } from '../../../src/cluster/messages';

test('supervisor messages: a known tag with the fields it requires', () => {
  for (const m of [
    { tag: 'collie:listening', port: 30000 },
    { tag: 'collie:shutdown', graceMs: 0 },
    { tag: 'collie:fatal', message: 'port in use' },
    { tag: 'collie:config', config: {} },
  ])
    assert.equal(isSupervisorMessage(m), true, JSON.stringify(m));
  for (const m of [
    null,
    'collie:listening',
    { tag: 'collie:listening' },
    { tag: 'collie:listening', port: '30000' },
    { tag: 'collie:shutdown', graceMs: -1 },
    { tag: 'collie:fatal' },
    { tag: 'collie:config', config: null },
    { tag: 'toString' },
    { tag: 'collie:state', msg: {} },
  ])
    assert.equal(isSupervisorMessage(m), false, JSON.stringify(m));
});
