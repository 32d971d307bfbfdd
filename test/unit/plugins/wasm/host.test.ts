import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { compileComponent, ComponentError } from '../../../../src/plugins/wasm/compile';
import { WasmHost } from '../../../../src/plugins/wasm/host';
import { capMemories } from '../../../../src/plugins/wasm/memory-limit';
import type { WasmArtifact, WasmRequest } from '../../../../src/plugins/wasm/types';
import {
  BEHAVIOURS,
  buildComponent,
  buildCoreModule,
  buildOtherWorld,
  buildWasiComponent,
  type Behaviour,
} from '../../../helpers/wasm-components';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function artifact(b: Behaviour, salt = 0): Promise<WasmArtifact> {
  const bytes = await buildComponent(b, salt);
  return compileComponent(bytes, sha(bytes));
}

function request(headers: Array<[string, string]> = []): WasmRequest {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    query: '',
    headers: headers.map(([name, value]) => ({ name, value })),
    body: new TextEncoder().encode('{"model":"m"}'),
    requestId: 'req-1',
    nowEpochMs: BigInt(Date.now()),
  };
}

test('a module rejects on a header and continues without it', async (t) => {
  const host = new WasmHost();
  t.after(() => host.close());
  const a = await artifact(BEHAVIOURS.rejectOnHeader('x-block', 403));
  await host.load(a);
  const hit = await host.call(a.sha256, 'OnRequest', request([['x-block', '1']]));
  assert.deepEqual(hit.ok && hit.action, { tag: 'reject', val: 403 });
  const miss = await host.call(a.sha256, 'OnRequest', request([['x-other', '1']]));
  assert.deepEqual(miss.ok && miss.action, { tag: 'continue' });
});

test('modify actions come back lifted: headers and a new body', async (t) => {
  const host = new WasmHost();
  t.after(() => host.close());
  const set = await artifact(BEHAVIOURS.setRequestHeaders([['x-a', '1']], [['x-b', '2']]));
  const rw = await artifact(BEHAVIOURS.rewriteResponse('hello', 201));
  await Promise.all([host.load(set), host.load(rw)]);
  const r1 = await host.call(set.sha256, 'OnRequest', request());
  assert.ok(r1.ok && r1.action.tag === 'modify');
  assert.deepEqual(r1.action.val.headersSet, [{ name: 'x-a', value: '1' }]);
  assert.deepEqual(r1.action.val.headersAdd, [{ name: 'x-b', value: '2' }]);
  const r2 = await host.call(rw.sha256, 'OnResponse', {
    status: 200,
    headers: [],
    body: new Uint8Array(3),
  });
  assert.ok(r2.ok && r2.action.tag === 'modify');
  assert.equal(r2.action.val.status, 201);
  assert.equal(Buffer.from(r2.action.val.bodyReplace ?? []).toString(), 'hello');
});

test('no state survives between calls (fresh instances); --wasm-reuse-instances keeps it', async (t) => {
  const fresh = new WasmHost();
  const reused = new WasmHost({ reuseInstances: true });
  t.after(async () => {
    await fresh.close();
    await reused.close();
  });
  const a = await artifact(BEHAVIOURS.counter(), 3);
  await Promise.all([fresh.load(a), reused.load(a)]);
  const statuses = async (h: WasmHost): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await h.call(a.sha256, 'OnRequest', request());
      out.push(r.ok && r.action.tag === 'reject' ? r.action.val : r);
    }
    return out;
  };
  assert.deepEqual(await statuses(fresh), [201, 201, 201, 201]);
  assert.deepEqual(await statuses(reused), [201, 202, 203, 204]);
});

test('a trap fails the call and the host keeps serving', async (t) => {
  const host = new WasmHost();
  t.after(() => host.close());
  const bad = await artifact(BEHAVIOURS.trap());
  const good = await artifact(BEHAVIOURS.continue(), 1);
  await Promise.all([host.load(bad), host.load(good)]);
  const r = await host.call(bad.sha256, 'OnRequest', request());
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'trap');
  const ok = await host.call(good.sha256, 'OnRequest', request());
  assert.equal(ok.ok, true);
  assert.equal(host.restarts, 0);
});

test('a spinning module times out; the thread is replaced and queued calls still run', async (t) => {
  const host = new WasmHost({ deadlineMs: 300 });
  t.after(() => host.close());
  const spin = await artifact(BEHAVIOURS.spin());
  const good = await artifact(BEHAVIOURS.rejectOnHeader('x-block', 451), 2);
  await Promise.all([host.load(spin), host.load(good)]);
  // the event loop stays free while the module spins: a timer fires before the call ends
  let ticked = false;
  const tick = new Promise<void>((r) => setTimeout(() => r(void (ticked = true)), 10));
  const spinning = host.call(spin.sha256, 'OnRequest', request());
  const queued = host.call(good.sha256, 'OnRequest', request([['x-block', 'y']]));
  await tick;
  const r = await spinning;
  assert.equal(ticked, true);
  assert.equal(!r.ok && r.reason, 'timeout');
  const q = await queued;
  assert.deepEqual(q.ok && q.action, { tag: 'reject', val: 451 });
  assert.equal(host.restarts, 1);
});

test('a component importing WASI loads and runs against the sandboxed shim', async (t) => {
  const host = new WasmHost();
  t.after(() => host.close());
  const bytes = await buildWasiComponent();
  const a = await compileComponent(bytes, sha(bytes));
  assert.deepEqual(a.imports, ['wasi:cli/environment']);
  await host.load(a);
  const r = await host.call(a.sha256, 'OnRequest', request());
  assert.deepEqual(r.ok && r.action, { tag: 'reject', val: 400 }); // no environment variables
});

test('memory growth stops at 64 MiB', async (t) => {
  const host = new WasmHost();
  t.after(() => host.close());
  const grow = await artifact(BEHAVIOURS.growForever());
  await host.load(grow);
  const r = await host.call(grow.sha256, 'OnRequest', request());
  assert.deepEqual(r.ok && r.action, { tag: 'reject', val: 256 }); // 1024 pages / 4
});

test('capMemories bounds declared maxima and refuses oversized minima', async () => {
  const core = await buildCoreModule();
  const capped = capMemories(core, 2);
  assert.notDeepEqual(Buffer.from(capped), Buffer.from(core));
  assert.throws(() => capMemories(core, 0), /above the limit/);
  assert.throws(() => capMemories(new Uint8Array([1, 2, 3]), 2), /not a core/);
});

test('registration-time checks: core module, other world', async () => {
  const core = await buildCoreModule();
  await assert.rejects(compileComponent(core, sha(core)), ComponentError);
  const other = await buildOtherWorld();
  await assert.rejects(compileComponent(other, sha(other)), /missing export/);
});
