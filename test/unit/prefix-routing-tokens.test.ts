import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryHub } from '../../src/state/memory-bus';
import { loadNative } from '../../src/native';
import {
  createSharedPrefixRouting,
  MAX_TOKENIZED_CHARS,
  ROUTING_TOKEN_SEED,
} from '../../src/routing/prefix-routing';
import { routingHashes } from '../../src/routing/prefix-index';

void test('token-mode routing hashes: real token blocks, a bounded head, text blocks if the tokenizer fails', () => {
  const seen: number[] = [];
  let fail = false;
  // a stand-in tokenizer: one id per character
  const tok = {
    encodeSync(text: string): Uint32Array {
      seen.push(text.length);
      if (fail) throw new Error('tokenizer closed');
      return Uint32Array.from(text, (c) => c.charCodeAt(0));
    },
  };
  const routing = createSharedPrefixRouting({
    bus: createMemoryHub().join('p'),
    blockSize: 4,
    defaultCapacityTokens: 1 << 20,
    tokenizerFor: (model) => (model === 'tok' ? tok : undefined),
  });
  try {
    const text = 'abcdefghij'; // 10 "tokens" → 2 blocks of 4
    const expected = loadNative().chainedBlockHashes(
      Uint32Array.from(text, (c) => c.charCodeAt(0)),
      4,
      ROUTING_TOKEN_SEED,
    );
    assert.deepEqual([...routing.hashes(text, 'tok')], [...expected]);
    // other models still route on text
    assert.deepEqual(
      [...routing.hashes(text.repeat(20), 'plain')],
      [...routingHashes(text.repeat(20), 4)],
    );
    // a huge prompt: only its head is tokenized
    const huge = 'x'.repeat(MAX_TOKENIZED_CHARS * 4);
    assert.equal(routing.hashes(huge, 'tok').length, MAX_TOKENIZED_CHARS / 4);
    assert.equal(seen.at(-1), MAX_TOKENIZED_CHARS);
    // a failing tokenizer falls back to text blocks instead of failing the request
    fail = true;
    assert.deepEqual(
      [...routing.hashes(text.repeat(20), 'tok')],
      [...routingHashes(text.repeat(20), 4)],
    );
  } finally {
    routing.close();
  }
});
