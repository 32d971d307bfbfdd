import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const LOGGER = path.resolve(__dirname, '..', '..', '..', 'src', 'util', 'logger.js');

test('--log-json writes the level as a name', () => {
  const script = `require(${JSON.stringify(LOGGER)}).createLogger({ level: 'info', json: true }).warn({ a: 1 }, 'hello');`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const line = JSON.parse(r.stderr.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
  assert.equal(line['level'], 'warn');
  assert.equal(line['msg'], 'hello');
});
