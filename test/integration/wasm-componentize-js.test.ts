import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';
import { moduleDir, writeModule } from '../helpers/wasm-components';

/**
 * A module from a real toolchain, run unmodified: test/fixtures/wasm/componentize-js/ is plain
 * JavaScript built into a component of SMG's world with componentize-js (SpiderMonkey inside,
 * ~12 MB), importing WASI preview 2 (clocks, random, stdio, filesystem, http) like any module
 * such a toolchain makes. The committed file is gzipped; it is unpacked to a temp file here.
 */

const FIXTURE = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'wasm',
  'componentize-js',
  'middleware.wasm.gz',
);

let gw: TestGateway;
let engine: MockEngine;
let uuid: string;

interface WasmList {
  modules: Array<{
    module_uuid: string;
    module_meta: { size_bytes: number; access_count: number };
  }>;
  metrics: { total_executions: number; failed_executions: number };
}

const list = async (): Promise<WasmList> =>
  (await (await fetch(`${gw.url}/wasm`)).json()) as WasmList;

before(async () => {
  [engine] = (await startEngines(1)) as [MockEngine];
  gw = await startTestGateway(['--enable-wasm', '--worker-urls', engine.url]);
  const file = writeModule(moduleDir(), 'cjs.wasm', gunzipSync(fs.readFileSync(FIXTURE)));
  const res = await postJson(`${gw.url}/wasm`, {
    modules: [
      {
        name: 'componentize-js',
        file_path: file,
        module_type: 'Middleware',
        attach_points: [{ Middleware: 'OnRequest' }, { Middleware: 'OnResponse' }],
        add_result: null,
      },
    ],
  });
  const body = (await res.json()) as { modules: Array<{ add_result: { Success?: string } }> };
  assert.equal(res.status, 200, JSON.stringify(body));
  uuid = body.modules[0]?.add_result.Success ?? '';
  assert.ok(uuid);
  // V8 compiles the 12 MB module's code on its first calls (a few hundred ms on a busy
  // machine): warm both host threads so no test's call meets the 1 s deadline cold
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = 0; i < 10; i++) {
        const r = await chat();
        await r.text();
        if (r.headers.get('x-cjs-response') === 'rewritten') return;
      }
    }),
  );
});
after(() => closeAll(gw, engine));

const chat = (
  opts: { headers?: Record<string, string>; query?: string; user?: string } = {},
): Promise<Response> =>
  postJson(
    `${gw.url}/v1/chat/completions${opts.query ?? ''}`,
    {
      model: engine.model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
      ...(opts.user !== undefined ? { user: opts.user } : {}),
    },
    opts.headers ?? {},
  );

test('the componentize-js component registers through POST /wasm and is listed', async () => {
  const mine = (await list()).modules.find((m) => m.module_uuid === uuid);
  assert.ok(mine);
  assert.ok(mine.module_meta.size_bytes > 1_000_000);
});

test('OnRequest: its header changes reach the engine (it read method, body and clock)', async () => {
  engine.clearRequests();
  const res = await chat({ headers: { 'x-request-id-drop': 'client' } });
  assert.equal(res.status, 200);
  await res.text();
  const seen = engine.requests.at(-1)?.headers;
  assert.equal(seen?.['x-request-id-cjs'], '1');
  assert.equal(seen?.['x-request-id-cjs-method'], 'POST');
  assert.equal(seen?.['x-request-id-cjs-model'], engine.model);
  assert.equal(seen?.['x-request-id-cjs-clock'], 'ok');
  assert.equal(seen?.['x-request-id-drop'], undefined, 'headers-remove applied');
});

test('OnRequest: rejects on the query and on the JSON body; the engine is never called', async () => {
  engine.clearRequests();
  const byQuery = await chat({ query: '?blocked=1' });
  assert.equal(byQuery.status, 403);
  assert.equal(await byQuery.text(), '');
  const byBody = await chat({ user: 'blocked' });
  assert.equal(byBody.status, 451);
  assert.equal(await byBody.text(), '');
  assert.equal(engine.requests.length, 0);
});

test('OnResponse: sets a header and rewrites a field of the JSON body', async () => {
  const res = await chat();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-cjs-response'), 'rewritten');
  const text = await res.text();
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
  const body = JSON.parse(text) as { model: string; cjs_status: number; choices: unknown[] };
  assert.equal(body.model, `cjs:${engine.model}`);
  assert.equal(body.cjs_status, 200);
  assert.equal(body.choices.length, 1);
});

/** Records what the process writes to its stdout/stderr while `fn` runs. */
async function capturingOutput(fn: () => Promise<void>): Promise<string> {
  let seen = '';
  const spy = (stream: NodeJS.WriteStream): (() => void) => {
    const write = stream.write.bind(stream);
    const spied = (chunk: string | Uint8Array, ...rest: never[]): boolean => {
      seen += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return write(chunk, ...rest);
    };
    stream.write = spied;
    return () => {
      stream.write = write;
    };
  };
  const undo = [spy(process.stdout), spy(process.stderr)];
  try {
    await fn();
  } finally {
    for (const u of undo) u();
  }
  return seen;
}

test('fail-open: a JS exception, unbounded allocation and an endless loop are skipped', async () => {
  const output = await capturingOutput(failOpen);
  // SpiderMonkey reports the exception on WASI stderr: it does not reach the gateway's
  assert.doesNotMatch(output, /asked to throw/);
});

async function failOpen(): Promise<void> {
  for (const header of ['x-cjs-throw', 'x-cjs-hog', 'x-cjs-spin']) {
    const failedBefore = (await list()).metrics.failed_executions;
    engine.clearRequests();
    const res = await chat({ headers: { [header]: '1' } });
    assert.equal(res.status, 200, header);
    // OnRequest was skipped: the engine got the request without the module's headers
    assert.equal(engine.requests.at(-1)?.headers['x-request-id-cjs'], undefined, header);
    // OnResponse (the engine's headers carry no trigger) still ran
    assert.equal(res.headers.get('x-cjs-response'), 'rewritten', header);
    await res.text();
    await eventually(async () => (await list()).metrics.failed_executions === failedBefore + 1);
  }
  // after the loop the host thread was replaced: the module was reloaded there and runs again
  engine.clearRequests();
  const res = await chat();
  assert.equal(res.status, 200);
  assert.equal(engine.requests.at(-1)?.headers['x-request-id-cjs'], '1');
}
