/**
 * Memory under hostile bodies (issue 11 item 5): a burst of 12 MB JSON bodies with 10^6 keys
 * each against one ingress process, with the JSON parse budget off and at its default.
 * Prints baseline RSS, peak RSS (VmHWM) and the statuses; writes bench/results/hostile-bodies.json.
 *
 *   npm run bench:hostile-bodies [-- --burst 16]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { collieBin, repoRoot } from './lib/paths';

const KEYS = 1_000_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN);
}

function hostileBody(): Buffer {
  const parts = [
    '{"model":"mock-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1',
  ];
  for (let i = 0; i < KEYS; i++) parts.push(`,"k${i}":0`);
  parts.push('}');
  return Buffer.from(parts.join(''));
}

interface Run {
  readonly budgetBytes: number;
  readonly baselineMb: number;
  readonly peakMb: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
}

async function run(engineUrl: string, budget: number, body: Buffer, burst: number): Promise<Run> {
  const port = await freePort();
  const gw: ChildProcess = spawn(
    process.execPath,
    [
      collieBin,
      'launch',
      ...['--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
      ...['--prometheus-port', '0', '--log-level', 'warn', '--access-log-sample-rate', '0'],
      ...['--worker-urls', engineUrl, '--policy', 'round_robin'],
      ...['--json-parse-budget-bytes', String(budget)],
    ],
    { stdio: 'inherit' },
  );
  try {
    await waitUp(`http://127.0.0.1:${port}/readiness`);
    const pid = gw.pid ?? -1;
    const baseline = statusKb(pid, 'VmRSS');
    const started = performance.now();
    const statuses: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: burst }, async () => {
        const r = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await r.arrayBuffer();
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }),
    );
    return {
      budgetBytes: budget,
      baselineMb: Math.round(baseline / 1024),
      peakMb: Math.round(statusKb(pid, 'VmHWM') / 1024),
      statuses,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    gw.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--burst');
  const burst = i > 0 ? Number(process.argv[i + 1]) : 16;
  const enginePort = await freePort();
  const engine = spawn(
    process.execPath,
    [collieBin, 'mock-engine', '--host', '127.0.0.1', '--port', String(enginePort)],
    { stdio: 'ignore' },
  );
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  try {
    await waitUp(`${engineUrl}/health`);
    const body = hostileBody();
    const runs: Run[] = [];
    for (const budget of [0, 33_554_432]) runs.push(await run(engineUrl, budget, body, burst));
    const table = runs.map((r) => ({
      'json parse budget': r.budgetBytes === 0 ? 'off' : `${r.budgetBytes / 1048576} MiB`,
      'RSS before (MB)': r.baselineMb,
      'peak RSS (MB)': r.peakMb,
      statuses: JSON.stringify(r.statuses),
      'burst (s)': r.seconds,
    }));
    console.log(
      `burst of ${burst} × ${(body.length / 1e6).toFixed(1)} MB bodies, ${KEYS} keys each`,
    );
    console.table(table);
    const out = path.join(repoRoot, 'bench', 'results', 'hostile-bodies.json');
    fs.writeFileSync(
      out,
      JSON.stringify({ burst, bodyBytes: body.length, keys: KEYS, runs }, null, 2) + '\n',
    );
  } finally {
    engine.kill('SIGKILL');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
