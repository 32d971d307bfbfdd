/**
 * `npm run bench:wasm`: the latency WASM middleware adds to a request. One in-process
 * gateway (one process, --enable-wasm) in front of an in-process mock engine; the same
 * non-streaming chat request, sequentially, with 0, 1 and 3 modules attached at OnRequest and
 * OnResponse (each a `continue`, so only the middleware's own cost shows). The three settings
 * alternate in blocks within one run, so machine noise hits them alike. Prints a table and
 * writes bench/results/wasm-<time>.json and wasm-latest.json.
 *
 * Env: COLLIE_BENCH_WASM_REQUESTS (per setting, default 3000), COLLIE_BENCH_WASM_BLOCKS (10),
 * COLLIE_BENCH_WASM_REUSE=1 (run with --wasm-reuse-instances; results go to wasm-reuse-*.json),
 * COLLIE_BENCH_WASM_CJS=1 (0 and 1 module, the module being the componentize-js component of
 * test/fixtures/wasm/componentize-js, a real toolchain's output: SpiderMonkey inside, 12 MB;
 * default 300 requests per setting in 4 blocks; results go to wasm-cjs-*.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseLaunchArgs } from '../src/config/parse';
import { startSingleProcess } from '../src/cluster/single';
import { silentLogger } from '../src/util/logger';
import { startMockEngine } from '../src/mock-engine';
import {
  BEHAVIOURS,
  buildComponent,
  moduleDir,
  writeModule,
} from '../test/helpers/wasm-components';
import { formatTable, fmt } from './lib/table';
import { repoRoot } from './lib/paths';

const CJS = process.env['COLLIE_BENCH_WASM_CJS'] === '1';
const SETTINGS: readonly number[] = CJS ? [0, 1] : [0, 1, 3];
const CJS_FIXTURE = ['test', 'fixtures', 'wasm', 'componentize-js', 'middleware.wasm.gz'];

/** The module files: `continue` components, or the componentize-js one. */
async function moduleFiles(dir: string): Promise<string[]> {
  if (CJS) {
    const gz = fs.readFileSync(path.join(repoRoot, ...CJS_FIXTURE));
    return [writeModule(dir, 'cjs.wasm', gunzipSync(gz))];
  }
  return Promise.all(
    [1, 2, 3].map(async (s) =>
      writeModule(dir, `c${s}.wasm`, await buildComponent(BEHAVIOURS.continue(), s)),
    ),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

async function main(): Promise<void> {
  const perSetting = Number(process.env['COLLIE_BENCH_WASM_REQUESTS'] ?? (CJS ? 300 : 3000));
  // each block registers the modules again: few blocks for the 12 MB one (~5 s per registration)
  const blocks = Number(process.env['COLLIE_BENCH_WASM_BLOCKS'] ?? (CJS ? 4 : 10));
  const reuse = process.env['COLLIE_BENCH_WASM_REUSE'] === '1';
  const engine = await startMockEngine({ host: '127.0.0.1', port: 0 });
  const config = parseLaunchArgs([
    ...['--host', '127.0.0.1', '--port', '0', '--workers', '1', '--enable-wasm'],
    ...['--prometheus-host', '127.0.0.1', '--prometheus-port', '0'],
    ...['--worker-urls', engine.url, '--policy', 'round_robin', '--log-level', 'error'],
    ...(reuse ? ['--wasm-reuse-instances'] : []),
  ]);
  const gw = await startSingleProcess(config, silentLogger());
  await gw.startupDone;
  const url = `http://127.0.0.1:${gw.port}`;
  const dir = moduleDir();
  const files = await moduleFiles(dir);
  const registered: string[] = [];
  async function attach(n: number): Promise<void> {
    while (registered.length > n) {
      await fetch(`${url}/wasm/${registered.pop() ?? ''}`, { method: 'DELETE' });
    }
    while (registered.length < n) {
      const res = await fetch(`${url}/wasm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          modules: [
            {
              name: `continue-${registered.length}`,
              file_path: files[registered.length],
              module_type: 'Middleware',
              attach_points: [{ Middleware: 'OnRequest' }, { Middleware: 'OnResponse' }],
              add_result: null,
            },
          ],
        }),
      });
      const body = (await res.json()) as { modules: Array<{ add_result: { Success?: string } }> };
      const id = body.modules[0]?.add_result.Success;
      if (!id) throw new Error(`registration failed: ${JSON.stringify(body)}`);
      registered.push(id);
    }
  }
  const payload = JSON.stringify({
    model: engine.model,
    messages: [{ role: 'user', content: 'hello there' }],
    max_tokens: 8,
  });
  const samples = new Map<number, number[]>(SETTINGS.map((k) => [k, []]));
  const perBlock = Math.ceil(perSetting / blocks);
  for (let b = 0; b < blocks; b++) {
    for (const k of SETTINGS) {
      await attach(k);
      const out = samples.get(k) as number[];
      for (let i = 0; i < perBlock + (b === 0 ? 50 : 0); i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        if (b > 0 || i >= 50) out.push(performance.now() - t0); // first 50: warm-up
      }
    }
  }
  await attach(0);
  const stats = SETTINGS.map((k) => {
    const sorted = [...(samples.get(k) as number[])].sort((x, y) => x - y);
    return {
      modules: k,
      n: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    };
  });
  const base = stats[0] as (typeof stats)[number];
  const rows = stats.map((s) => ({
    ...s,
    addedP50Ms: s.p50 - base.p50,
    addedP99Ms: s.p99 - base.p99,
    ratioP50: s.p50 / base.p50,
    ratioP99: s.p99 / base.p99,
    // each module runs twice per request (OnRequest and OnResponse)
    perCallP50Ms: s.modules > 0 ? (s.p50 - base.p50) / (2 * s.modules) : null,
  }));
  console.log(
    formatTable(
      ['modules', 'n', 'p50 ms', 'p99 ms', '+p50 ms', '+p99 ms', 'p50 ×', 'p99 ×', 'per call ms'],
      rows.map((r) => [
        String(r.modules),
        String(r.n),
        fmt(r.p50, 3),
        fmt(r.p99, 3),
        fmt(r.addedP50Ms, 3),
        fmt(r.addedP99Ms, 3),
        fmt(r.ratioP50, 2),
        fmt(r.ratioP99, 2),
        fmt(r.perCallP50Ms, 3),
      ]),
    ),
  );
  const outDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const result = {
    bench: 'wasm',
    at: new Date().toISOString(),
    setup: `one in-process gateway (1 process) + in-process mock engine; sequential non-streaming chat; modules are ${CJS ? 'the componentize-js component of test/fixtures/wasm/componentize-js (headers set, JSON body rewritten)' : '`continue` components'} attached at OnRequest and OnResponse`,
    perSetting,
    blocks,
    instances: reuse ? 'reused per module (--wasm-reuse-instances)' : 'fresh per call (default)',
    rows,
  };
  const stamp = result.at.replace(/[:.]/g, '-');
  const tag = `wasm${CJS ? '-cjs' : ''}${reuse ? '-reuse' : ''}`;
  for (const name of [`${tag}-${stamp}.json`, `${tag}-latest.json`]) {
    fs.writeFileSync(path.join(outDir, name), `${JSON.stringify(result, null, 2)}\n`);
  }
  await gw.close(200);
  await engine.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
