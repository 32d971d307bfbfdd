import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLaunchArgs } from '../../../src/config/parse';
import { ConfigError } from '../../../src/config/errors';

void test('--tool-call-parser / --reasoning-parser: a known name or auto; unset by default', () => {
  assert.deepEqual(parseLaunchArgs([]).parsers, {});
  const c = parseLaunchArgs(['--tool-call-parser', 'auto', '--reasoning-parser', 'deepseek_r1']);
  assert.deepEqual(c.parsers, { tool: 'auto', reasoning: 'deepseek_r1' });
});

void test('an unknown parser name is refused at startup, naming the flag', () => {
  assert.throws(
    () => parseLaunchArgs(['--tool-call-parser', 'nope']),
    (e: unknown) => {
      return (
        e instanceof ConfigError && /--tool-call-parser: unknown parser 'nope'/.test(e.message)
      );
    },
  );
  assert.throws(() => parseLaunchArgs(['--reasoning-parser', 'Qwen3']), ConfigError);
});
