import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/util/logger';
import { runCollie, freePort, waitFor } from '../../helpers/processes';

async function until<T>(what: string, fn: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function logFiles(dir: string, prefix: string): string[] {
  return fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.log'))
    : [];
}

test('--log-dir: records go to a JSON-lines file of the process, rotated by size', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-logs-'));
  try {
    const logger = createLogger({
      level: 'info',
      json: true,
      name: 'unit',
      dir: path.join(dir, 'sub'),
      fileSize: '2k',
    });
    for (let i = 0; i < 200; i++)
      logger.info({ i }, 'line with some padding to fill the file quickly');
    logger.debug('below the level: not written');
    const files = await until('two rotated files', () => {
      const f = logFiles(path.join(dir, 'sub'), 'unit.');
      return f.length >= 2 ? f : undefined;
    });
    assert.ok(
      files.every((f) => /^unit\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(f)),
      files.join(','),
    );
    const lines = await until('all 200 records', () => {
      const all = files.length ? logFiles(path.join(dir, 'sub'), 'unit.') : [];
      const text = all.map((f) => fs.readFileSync(path.join(dir, 'sub', f), 'utf8')).join('');
      const ls = text.split('\n').filter(Boolean);
      return ls.length >= 200 ? ls : undefined;
    });
    const recs = lines.map(
      (l) => JSON.parse(l) as { i?: number; name: string; msg: string; time: string },
    );
    assert.deepEqual(
      recs.map((r) => r.i).sort((a, b) => (a ?? 0) - (b ?? 0)),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.ok(recs.every((r) => r.name === 'unit' && typeof r.time === 'string'));
    assert.ok(!lines.some((l) => l.includes('below the level')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('collie launch --log-dir writes the gateway log there', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-logs-'));
  const port = await freePort();
  const gw = runCollie([
    'launch',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1',
    '--prometheus-port',
    '0',
    '--log-dir',
    dir,
  ]);
  try {
    await waitFor(`http://127.0.0.1:${port}/liveness`);
    const text = await until('a startup record in the file', () => {
      const f = logFiles(dir, 'collie.');
      const t = f.map((x) => fs.readFileSync(path.join(dir, x), 'utf8')).join('');
      return t.includes('"msg"') ? t : undefined;
    });
    const first = JSON.parse(text.split('\n')[0] ?? '') as { name: string; level: unknown };
    assert.equal(first.name, 'collie');
  } finally {
    await gw.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
