import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';
import {
  BEHAVIOURS,
  buildComponent,
  moduleDir,
  writeModule,
  type Behaviour,
} from '../helpers/wasm-components';

/** The WASM middleware on the protected routes of a single-process gateway. */

let gw: TestGateway;
let engine: MockEngine;
const dir = moduleDir();
let salt = 100;

before(async () => {
  [engine] = (await startEngines(1)) as [MockEngine];
  gw = await startTestGateway([
    '--enable-wasm',
    '--worker-urls',
    engine.url,
    '--policy',
    'round_robin',
  ]);
});
after(() => closeAll(gw, engine));

type Point = 'OnRequest' | 'OnResponse';

async function register(b: Behaviour, points: Point[]): Promise<string> {
  const file = writeModule(dir, `m${salt}.wasm`, await buildComponent(b, salt++));
  const res = await postJson(`${gw.url}/wasm`, {
    modules: [
      {
        name: `m${salt}`,
        file_path: file,
        module_type: 'Middleware',
        attach_points: points.map((p) => ({ Middleware: p })),
        add_result: null,
      },
    ],
  });
  const body = (await res.json()) as { modules: Array<{ add_result: { Success?: string } }> };
  assert.equal(res.status, 200, JSON.stringify(body));
  const uuid = body.modules[0]?.add_result.Success;
  assert.ok(uuid);
  return uuid;
}

async function unregister(uuid: string): Promise<void> {
  const res = await fetch(`${gw.url}/wasm/${uuid}`, { method: 'DELETE' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'Module removed successfully');
}

const chat = (headers: Record<string, string> = {}): Promise<Response> =>
  postJson(
    `${gw.url}/v1/chat/completions`,
    { model: engine.model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 },
    headers,
  );

test('OnRequest reject answers the module status at once; the engine is never called', async (t) => {
  const uuid = await register(BEHAVIOURS.rejectOnHeader('x-block', 403), ['OnRequest']);
  t.after(() => unregister(uuid));
  engine.clearRequests();
  const res = await chat({ 'x-block': '1' });
  assert.equal(res.status, 403);
  assert.equal(await res.text(), '');
  assert.equal(engine.requests.length, 0);
  const ok = await chat();
  assert.equal(ok.status, 200);
  assert.equal(engine.requests.length, 1);
});

test('OnRequest header changes reach the engine; later modules see earlier changes', async (t) => {
  const a = await register(
    BEHAVIOURS.setRequestHeaders(
      [['x-request-id-wasm', 'set']],
      [['x-correlation-id', 'from-wasm']],
    ),
    ['OnRequest'],
  );
  // the second module rejects if the first one's header is there: it must not be
  const b = await register(BEHAVIOURS.rejectOnHeader('x-never', 409), ['OnRequest']);
  t.after(async () => {
    await unregister(a);
    await unregister(b);
  });
  engine.clearRequests();
  const res = await chat({ 'x-request-id-wasm': 'client' });
  assert.equal(res.status, 200);
  const seen = engine.requests.at(-1)?.headers;
  assert.equal(seen?.['x-request-id-wasm'], 'set');
  assert.equal(seen?.['x-correlation-id'], 'from-wasm');
});

test('a module sees what the previous one left (chain order)', async (t) => {
  const a = await register(BEHAVIOURS.setRequestHeaders([['x-chained', '1']]), ['OnRequest']);
  const b = await register(BEHAVIOURS.rejectOnHeader('x-chained', 418), ['OnRequest']);
  t.after(async () => {
    await unregister(a);
    await unregister(b);
  });
  const res = await chat();
  assert.equal(res.status, 418);
});

test('OnResponse rewrites status, headers and body; content-length is recomputed', async (t) => {
  const uuid = await register(BEHAVIOURS.rewriteResponse('{"rewritten":true}', 202), [
    'OnResponse',
  ]);
  t.after(() => unregister(uuid));
  const res = await chat();
  assert.equal(res.status, 202);
  assert.equal(res.headers.get('x-wasm'), 'rewritten');
  const text = await res.text();
  assert.equal(text, '{"rewritten":true}');
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
});

test('OnResponse does not touch streamed answers', async (t) => {
  const uuid = await register(BEHAVIOURS.rewriteResponse('nope'), ['OnResponse']);
  t.after(() => unregister(uuid));
  const res = await postJson(`${gw.url}/v1/chat/completions`, {
    model: engine.model,
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 4,
    stream: true,
  });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /data: \[DONE\]/);
});

test('a trapping module fails open and is counted in failed_executions', async (t) => {
  const uuid = await register(BEHAVIOURS.trap(), ['OnRequest', 'OnResponse']);
  t.after(() => unregister(uuid));
  const res = await chat();
  assert.equal(res.status, 200);
  const list = (await (await fetch(`${gw.url}/wasm`)).json()) as {
    metrics: { failed_executions: number; total_executions: number };
    modules: Array<{ module_uuid: string; module_meta: { access_count: number } }>;
  };
  assert.ok(list.metrics.failed_executions >= 2);
  const mine = list.modules.find((m) => m.module_uuid === uuid);
  assert.equal(mine?.module_meta.access_count, 2);
  const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  for (const point of ['OnRequest', 'OnResponse']) {
    const series = `module_uuid="${uuid}",attach_point="${point}",result="failed"`;
    assert.ok(metrics.includes(`${series}} 1`), `${point} failure counted`);
  }
  assert.match(metrics, /smg_wasm_execution_duration_seconds_count\{/);
});

test('a spinning module fails open at its deadline; the process keeps serving meanwhile', async (t) => {
  const uuid = await register(BEHAVIOURS.spin(), ['OnRequest']);
  t.after(() => unregister(uuid));
  let spinDone = false;
  const spinning = chat().then((r) => {
    spinDone = true;
    return r;
  });
  // a public route answers while the module spins (the event loop is free)
  await eventually(async () => (await fetch(`${gw.url}/liveness`)).status === 200, 5000);
  assert.equal(spinDone, false);
  const res = await spinning;
  assert.equal(res.status, 200); // fail-open: the engine answered
  const list = (await (await fetch(`${gw.url}/wasm`)).json()) as {
    metrics: { max_execution_time_ms: number };
  };
  assert.ok(list.metrics.max_execution_time_ms >= 1000);
});

test('while one request spins its module to the deadline, other requests go through', async (t) => {
  const uuid = await register(BEHAVIOURS.spinOnHeader('x-spin'), ['OnRequest']);
  t.after(() => unregister(uuid));
  const started = performance.now();
  let spinDone = 0;
  const spinning = chat({ 'x-spin': '1' }).then((r) => {
    spinDone = performance.now();
    return r.status;
  });
  // one after another while the module spins: each goes to a thread that is not spinning
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await chat();
    assert.equal(r.status, 200);
    latencies.push(performance.now() - t0);
  }
  const othersDone = performance.now();
  assert.equal(await spinning, 200); // failed open
  assert.ok(
    spinDone - started >= 900,
    `the spinning call ran to its 1 s deadline (${spinDone - started} ms)`,
  );
  assert.ok(
    othersDone < spinDone,
    `the other requests finished first: ${latencies.map(Math.round).join(', ')} ms`,
  );
});

test('a module growing memory without bound is capped and the request still succeeds', async (t) => {
  const uuid = await register(BEHAVIOURS.growForever(), ['OnRequest']);
  t.after(() => unregister(uuid));
  const res = await chat();
  assert.equal(res.status, 256); // reject(pages / 4): exactly 1024 pages = 64 MiB
});

test('OnRequest bodies above 10 MiB are refused with 400', async (t) => {
  const uuid = await register(BEHAVIOURS.continue(), ['OnRequest']);
  t.after(() => unregister(uuid));
  const big = 'x'.repeat(10 * 1024 * 1024 + 1);
  const res = await postJson(`${gw.url}/v1/chat/completions`, big);
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: 'Failed to read request body: length limit exceeded',
  });
});

test('public and admin routes are not run through modules', async (t) => {
  const uuid = await register(BEHAVIOURS.rejectOnHeader('x-block', 403), ['OnRequest']);
  t.after(() => unregister(uuid));
  assert.equal((await fetch(`${gw.url}/liveness`, { headers: { 'x-block': '1' } })).status, 200);
  assert.equal((await fetch(`${gw.url}/wasm`, { headers: { 'x-block': '1' } })).status, 200);
});
