import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COLLIE_BIN, childPids, freePort, waitFor } from '../helpers/processes';

const API_KEY = 'sk-argv-4f1c9e';
const CP_KEY = 'cp-argv-77ab21';
const TENANT_KEY = 'tenant-env-d00d5e';
const CP_FILE_KEY = 'cp-file-3bc410';

/** Everything a process shows other users: its argv and its environment. */
function exposed(pid: number): string {
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  return `${cmdline}\n${environ}`;
}

describe('secrets stay out of the ingress processes’ argv and environment', () => {
  let child: ReturnType<typeof spawn>;
  let url: string;
  let metricsUrl: string;
  let out = '';
  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-secrets-'));
    const cpFile = path.join(dir, 'control-plane-keys');
    fs.writeFileSync(cpFile, `# operators\nops:Ops:admin:${CP_FILE_KEY}\n`);
    const port = await freePort();
    const metricsPort = await freePort();
    url = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    child = spawn(
      process.execPath,
      [
        COLLIE_BIN,
        'launch',
        ...['--host', '127.0.0.1', '--port', String(port), '--workers', '2'],
        ...['--prometheus-host', '127.0.0.1', '--prometheus-port', String(metricsPort)],
        ...['--log-level', 'warn'],
        ...['--api-key', API_KEY, '--control-plane-api-keys', `admin:Admin:admin:${CP_KEY}`],
        ...['--control-plane-api-keys-file', cpFile],
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, COLLIE_TENANT_API_KEYS: `acme:${TENANT_KEY}` },
      },
    );
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(`${url}/liveness`).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${out}`);
    });
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  });

  test('no child of a --workers 2 launch carries a key in /proc/<pid>/cmdline or environ', () => {
    const kids = childPids(child.pid ?? -1);
    assert.equal(kids.length, 2, 'two ingress processes');
    for (const pid of kids) {
      const text = exposed(pid);
      for (const secret of [API_KEY, CP_KEY, TENANT_KEY, CP_FILE_KEY]) {
        assert.ok(!text.includes(secret), `pid ${pid} exposes ${secret}`);
      }
    }
  });

  test('the keys from argv, file and environment all reach the ingress processes', async () => {
    const generate = (key?: string): Promise<number> =>
      fetch(`${url}/generate`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: '{"text":"hi"}',
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    assert.equal(await generate(), 401);
    assert.equal(await generate('wrong'), 401);
    assert.notEqual(await generate(API_KEY), 401); // authorised (no workers: 503)
    assert.notEqual(await generate(TENANT_KEY), 401);
    const workers = (key: string): Promise<number> =>
      fetch(`${url}/workers`, { headers: { authorization: `Bearer ${key}` } }).then(
        async (r) => (await r.arrayBuffer(), r.status),
      );
    assert.equal(await workers(CP_KEY), 200);
    assert.equal(await workers(CP_FILE_KEY), 200);
  });

  test('a 100,000-deep body relayed to the primary is a 400, not a 500', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const p of ['/workers', '/v1/tokenizers']) {
      const r = await fetch(url + p, {
        method: 'POST',
        headers: { authorization: `Bearer ${CP_KEY}`, 'content-type': 'application/json' },
        body: `{"url":"http://127.0.0.1:1","name":"t","source":"x","x":${deep}}`,
      });
      const text = await r.text();
      assert.equal(r.status, 400, `${p}: ${text.slice(0, 200)}`);
    }
  });

  test('the primary’s /metrics has the process metrics of every process, summed', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const value = (name: string): number =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const rss = value('process_resident_memory_bytes');
    assert.ok(rss > 0, 'process_resident_memory_bytes');
    // three processes (primary + 2 ingress): more than any one process's RSS
    const own = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const primaryRss = Number(/VmRSS:\s+(\d+) kB/.exec(own)?.[1] ?? 0) * 1024;
    assert.ok(rss > primaryRss * 1.5, `summed RSS ${rss} vs primary ${primaryRss}`);
    assert.ok(value('nodejs_heap_size_used_bytes') > 0);
    assert.match(text, /^process_cpu_seconds_total /m);
  });
});
