import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readinessReply } from '../../../src/control/probe-server';

test('PD readiness needs a ready prefill AND a ready decode worker; regular fleets need one', () => {
  const w = (workerType: string, status: string) => ({ workerType, status });
  assert.equal(readinessReply([w('prefill', 'ready'), w('decode', 'pending')], false).status, 503);
  assert.equal(readinessReply([w('prefill', 'pending'), w('decode', 'ready')], false).status, 503);
  const ok = readinessReply(
    [w('prefill', 'ready'), w('decode', 'ready'), w('decode', 'failed')],
    false,
  );
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { status: 'ready', healthy_workers: 2, total_workers: 3 });
  assert.equal(readinessReply([{ status: 'ready' }], false).status, 200);
});
