import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchArgs } from '../../../src/config/parse';
import { DEFAULT_INLINE_THRESHOLD } from '../../../src/tokenizer';

test('tokenizer flags: SMG defaults (caches off, autoload on), collie hub download off', () => {
  const c = parseLaunchArgs([], { HF_HOME: '/hf' });
  assert.deepEqual(c.tokenizer, {
    hubDownload: false,
    hub: { endpoint: 'https://huggingface.co', cacheDir: '/hf/hub' },
    cache: {},
    inlineThreshold: DEFAULT_INLINE_THRESHOLD,
  });
});

test('--tokenizer-path wins over --model-path (alias --model); --disable-tokenizer-autoload drops it', () => {
  assert.equal(parseLaunchArgs(['--model-path', 'org/m']).tokenizer.startupSource, 'org/m');
  assert.equal(parseLaunchArgs(['--model', 'org/m']).tokenizer.startupSource, 'org/m');
  assert.equal(
    parseLaunchArgs(['--model-path', 'org/m', '--tokenizer-path', '/t/tokenizer.json']).tokenizer
      .startupSource,
    '/t/tokenizer.json',
  );
  assert.equal(
    parseLaunchArgs(['--model-path', 'org/m', '--disable-tokenizer-autoload']).tokenizer
      .startupSource,
    undefined,
  );
});

test('caches, hub download, pool settings', () => {
  const c = parseLaunchArgs(
    [
      '--tokenizer-cache-enable-l0',
      '--tokenizer-cache-l0-max-entries',
      '5',
      '--tokenizer-cache-enable-l1',
      '--tokenizer-cache-l1-max-memory',
      '1024',
      '--tokenizer-hub-download',
      '--tokenizer-inline-threshold',
      '0',
      '--tokenizer-threads',
      '3',
    ],
    { HF_ENDPOINT: 'http://mirror/', HF_TOKEN: 't', HF_HUB_CACHE: '/c' },
  );
  assert.deepEqual(c.tokenizer, {
    hubDownload: true,
    hub: { endpoint: 'http://mirror', token: 't', cacheDir: '/c' },
    cache: { l0: { maxEntries: 5 }, l1: { maxBytes: 1024 } },
    inlineThreshold: 0,
    threads: 3,
  });
  // sizes without the enable flags do not turn the caches on
  assert.deepEqual(parseLaunchArgs(['--tokenizer-cache-l0-max-entries', '5']).tokenizer.cache, {});
  assert.throws(
    () => parseLaunchArgs(['--tokenizer-threads', '0']),
    /--tokenizer-threads: must be >= 1/,
  );
});
