import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchArgs, ConfigError } from '../../../src/config/parse';
import { parsePrefillEntries } from '../../../src/config/flags-pd';

const refused = (args: string[], re: RegExp): void =>
  assert.throws(
    () => parseLaunchArgs(args),
    (e: unknown) => e instanceof ConfigError && re.test(e.message),
  );

describe('PD flags', () => {
  test('--prefill URL 8998, --prefill URL none, --prefill URL (repeatable, any order)', () => {
    const c = parseLaunchArgs([
      '--pd-disaggregation',
      '--prefill',
      'http://p1:30000',
      '8998',
      '--decode',
      'http://d1:30000',
      '--prefill',
      'http://p2:30000',
      'none',
      '--prefill',
      'http://p3:30000/',
      '--decode',
      'http://d2:30000',
    ]);
    assert.deepEqual(c.pd?.prefill, [
      { url: 'http://p1:30000', bootstrapPort: 8998 },
      { url: 'http://p2:30000', bootstrapPort: null },
      { url: 'http://p3:30000', bootstrapPort: null },
    ]);
    assert.deepEqual(c.pd?.decode, ['http://d1:30000', 'http://d2:30000']);
    assert.equal(c.pd?.protocol, 'auto');
    assert.equal(c.pd?.prefillPolicy, undefined);
  });

  test('policies: SMG set minus passthrough; decode may not be bucket', () => {
    const c = parseLaunchArgs([
      '--pd-disaggregation',
      '--prefill-policy',
      'cache_aware',
      '--decode-policy',
      'power_of_two',
    ]);
    assert.equal(c.pd?.prefillPolicy, 'cache_aware');
    assert.equal(c.pd?.decodePolicy, 'power_of_two');
    refused(
      ['--pd-disaggregation', '--decode-policy', 'passthrough'],
      /invalid value 'passthrough'/,
    );
    refused(['--pd-disaggregation', '--decode-policy', 'bucket'], /prefill-only/);
  });

  test('PD off: no pd config; PD flags without --pd-disaggregation are refused', () => {
    assert.equal(parseLaunchArgs([]).pd, null);
    refused(['--prefill', 'http://p:1'], /--prefill requires --pd-disaggregation/);
    refused(['--decode', 'http://d:1'], /--decode requires --pd-disaggregation/);
  });

  test('mixed with --worker-urls: a clear startup message', () => {
    refused(
      ['--pd-disaggregation', '--worker-urls', 'http://w:1', '--prefill', 'http://p:1'],
      /--worker-urls cannot be combined with --pd-disaggregation/,
    );
  });

  test('bad entries', () => {
    assert.throws(() => parsePrefillEntries(['8998']), /expected a URL before '8998'/);
    assert.throws(() => parsePrefillEntries(['http://p:1', '8998', '9000']), /one bootstrap port/);
    assert.throws(() => parsePrefillEntries(['http://p:1', '0']), /\[1, 65535\] or 'none'/);
    assert.throws(() => parsePrefillEntries(['http://p:1', 'abc']), /'abc'/);
    assert.throws(() => parsePrefillEntries(['grpc://p:1']), /invalid URL/);
    refused(
      ['--pd-disaggregation', '--prefill', 'http://p:1', '--decode', 'http://p:1'],
      /given twice/,
    );
  });
});
