/**
 * The typed control protocol: a forked stand-in primary serves stub handlers over real
 * process IPC; the test process is the ingress side.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createControlServer,
  type ControlClient,
  type ControlOps,
} from '../../../src/cluster/control-protocol';
import {
  createDirectRpc,
  createIpcRpcClient,
  RpcError,
  type OpMap,
  type RpcClient,
  type RpcErrorCode,
} from '../../../src/cluster/rpc';
import type { AdmissionResult } from '../../../src/resilience/admission';
import type { IpcChannel } from '../../../src/state/ipc-bus';
import { stubHandlers, TOKENIZERS } from './stub-control';

function rpcError(code: RpcErrorCode, message?: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof RpcError, `an RpcError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  };
}

let child: ChildProcess;
let channel: IpcChannel;

before(async () => {
  child = fork(path.join(__dirname, 'fake-primary.js'), [], { stdio: 'inherit' });
  channel = child;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
});

after(async () => {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.disconnect();
  await exited;
});

/** What the stand-in primary's handlers saw, in order. */
function seenByPrimary(): Promise<string[]> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !('seen' in m)) return;
      child.off('message', onMessage);
      resolve((m as { seen: string[] }).seen);
    };
    child.on('message', onMessage);
    child.send('seen?');
  });
}

async function withClient<Ops extends OpMap = ControlOps>(
  fn: (c: RpcClient<Ops>) => Promise<void>,
): Promise<void> {
  const c = createIpcRpcClient<Ops>(channel);
  try {
    await fn(c);
  } finally {
    c.close();
  }
}

describe('control protocol over process IPC', () => {
  test('typed round trip of every op; handlers see the peer', async () => {
    await withClient(async (c: ControlClient) => {
      const admitted: AdmissionResult = await c.call('admit', { ticket: '/v1/chat#1' });
      assert.equal(admitted, 'admitted');
      assert.equal(await c.call('admit', { ticket: 'busy' }), 'queue_full');
      assert.equal(await c.call('admit-cancel', { ticket: '/v1/chat#2' }), null);
      assert.equal(await c.call('release', null), null);
      const reply = await c.call('workers', { method: 'GET', id: 'w-1', query: '' });
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body), { method: 'GET', id: 'w-1' });
      const tok = await c.call('tokenizers', { kind: 'api', method: 'GET', status: true });
      assert.deepEqual(JSON.parse(tok.body), { method: 'GET', status: true });
      assert.equal(await c.call('cb-outcomes', { w1: 'SSF' }), null);
      const snap = await c.call('sync:tokenizers', {});
      assert.deepEqual(snap, { version: 2, value: TOKENIZERS });
      assert.equal((await c.call('sync:tokenizers', { since: 1 })).version, 2);
    });
    assert.deepEqual(await seenByPrimary(), [
      'admit ingress-1 /v1/chat#1',
      'admit ingress-1 busy',
      'cancel ingress-1 /v1/chat#2',
      'release ingress-1',
      'outcomes {"w1":"SSF"}',
    ]);
  });

  test('an unknown op or a malformed payload is an error reply; the primary keeps serving', async () => {
    await withClient<OpMap>(async (loose) => {
      await assert.rejects(loose.call('reboot', {}), rpcError('rpc_unknown_op', /'reboot'/));
      await assert.rejects(loose.call('toString', {}), rpcError('rpc_unknown_op'));
      await assert.rejects(
        loose.call('admit', { ticket: 42 }),
        rpcError('rpc_bad_payload', /ticket/),
      );
      await assert.rejects(loose.call('admit', null), rpcError('rpc_bad_payload', /'admit'/));
      await assert.rejects(loose.call('release', undefined), rpcError('rpc_bad_payload'));
      await assert.rejects(loose.call('cb-outcomes', { w1: 'SXF' }), rpcError('rpc_bad_payload'));
      await assert.rejects(
        loose.call('workers', { method: 'TRACE', query: '' }),
        rpcError('rpc_bad_payload', /method/),
      );
      await assert.rejects(
        loose.call('sync:tokenizers', { since: -1 }),
        rpcError('rpc_bad_payload', /since/),
      );
    });
    // envelopes that cannot be answered are dropped, not thrown
    for (const m of ['hello', { tag: 'collie:rpc' }, { tag: 'collie:rpc', id: 'x', op: 'admit' }])
      child.send(m);
    child.send({ tag: 'collie:rpc', id: 1e9, op: 42 });
    await withClient(async (c) => {
      assert.equal(await c.call('admit', { ticket: 'after' }), 'admitted');
    });
    assert.equal(child.exitCode, null);
  });

  test('a handler that throws, rejects or answers what IPC cannot carry is an error reply', async () => {
    await withClient(async (c) => {
      const get = (id: string) => c.call('tokenizers', { kind: 'api', method: 'GET', id });
      await assert.rejects(get('boom'), rpcError('rpc_failed', /handler exploded/));
      await assert.rejects(get('reject'), rpcError('rpc_failed', /handler refused/));
      await assert.rejects(
        c.call('workers', { method: 'GET', id: 'unsendable', query: '' }),
        rpcError('rpc_failed', /BigInt/),
      );
      assert.equal((await get('ok')).status, 200);
    });
    assert.equal(child.exitCode, null);
  });

  test('a call times out; the client keeps working', async () => {
    await withClient(async (c) => {
      // a watch from the current version stays pending at the primary
      await assert.rejects(
        c.call('sync:tokenizers', { since: 2 }, 50),
        rpcError('rpc_timeout', /'sync:tokenizers' timed out/),
      );
      assert.equal(await c.call('admit', { ticket: 'x' }), 'admitted');
    });
  });

  test('close() rejects pending calls, and later calls at once', async () => {
    const c = createIpcRpcClient(channel);
    const pending = c.call('sync:tokenizers', { since: 2 });
    c.close();
    await assert.rejects(pending, rpcError('rpc_closed'));
    await assert.rejects(c.call('admit', { ticket: 'x' }), rpcError('rpc_closed'));
  });
});

describe('control protocol in one process', () => {
  test('the direct client runs the same handlers behind the same guards', async () => {
    const seen: string[] = [];
    const server = createControlServer(stubHandlers(seen));
    const c = createDirectRpc(server, 'local');
    assert.equal(await c.call('admit', { ticket: 't' }), 'admitted');
    assert.deepEqual(seen, ['admit local t']);
    await assert.rejects(server.serve('admit', { ticket: 1 }, 'x'), rpcError('rpc_bad_payload'));
    await assert.rejects(server.serve('nope', null, 'x'), rpcError('rpc_unknown_op'));
    await assert.rejects(
      c.call('tokenizers', { kind: 'api', method: 'GET', id: 'boom' }),
      rpcError('rpc_failed', /handler exploded/),
    );
    c.close();
    await assert.rejects(c.call('release', null), rpcError('rpc_closed'));
  });
});
