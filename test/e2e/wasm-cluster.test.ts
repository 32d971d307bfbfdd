import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  childPids,
  freshPost,
  startCliEngines,
  startCliGateway,
  type Proc,
} from '../helpers/processes';
import { eventually } from '../helpers/gateway';
import { BEHAVIOURS, buildComponent, moduleDir, writeModule } from '../helpers/wasm-components';

/** Fresh connections: the kernel spreads them over both ingress processes (SO_REUSEPORT). */
async function chatEverywhere(url: string, model: string, n = 24): Promise<number[]> {
  const body = { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };
  const rs = await Promise.all(
    Array.from({ length: n }, () => freshPost(`${url}/v1/chat/completions`, body)),
  );
  return rs.map((r) => r.status);
}

describe('built CLI, --workers 2: a WASM module registered once applies in every process', () => {
  let gateway: Proc;
  let engines: Proc;
  let url: string;
  let model: string;
  before(async () => {
    const e = await startCliEngines(1);
    engines = e.proc;
    const info = (await (await fetch(`${e.urls[0] ?? ''}/v1/models`)).json()) as {
      data: Array<{ id: string }>;
    };
    model = info.data[0]?.id ?? '';
    ({ proc: gateway, url } = await startCliGateway([
      ...['--workers', '2', '--enable-wasm', '--worker-urls', e.urls[0] ?? ''],
    ]));
  });
  after(async () => {
    await gateway.stop();
    await engines.stop();
  });

  test('two ingress processes run', () => {
    assert.equal(childPids(gateway.child.pid as number).length, 2);
  });

  test('register → every process rejects; counters add up; remove → every process serves', async () => {
    assert.ok((await chatEverywhere(url, model)).every((s) => s === 200));
    // every request carries content-type, so this module rejects them all
    const file = writeModule(
      moduleDir(),
      'reject.wasm',
      await buildComponent(BEHAVIOURS.rejectOnHeader('content-type', 451), 1),
    );
    const post = await freshPost(`${url}/wasm`, {
      modules: [
        {
          name: 'reject-all',
          file_path: file,
          module_type: 'Middleware',
          attach_points: [{ Middleware: 'OnRequest' }],
          add_result: null,
        },
      ],
    });
    assert.equal(post.status, 200, post.text);
    const uuid = (JSON.parse(post.text) as { modules: Array<{ add_result: { Success: string } }> })
      .modules[0]?.add_result.Success;
    await eventually(
      async () => (await chatEverywhere(url, model)).every((s) => s === 451),
      10_000,
    );
    await eventually(async () => {
      const list = (await (await fetch(`${url}/wasm`)).json()) as {
        metrics: { total_executions: number; successful_executions: number };
      };
      return list.metrics.successful_executions >= 24;
    }, 10_000);
    const del = await fetch(`${url}/wasm/${uuid ?? ''}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    await eventually(
      async () => (await chatEverywhere(url, model)).every((s) => s === 200),
      10_000,
    );
  });
});
