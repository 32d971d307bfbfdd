import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { NativeTokenizerAddon } from '../../../src/native/tokenizer-addon';
import { nativeTokenizerAddon } from './subjects';
import type { TokenizerSpec } from './specs';

/**
 * What the binding reports about the loaded file (src/native/tokenizer-addon.ts): kind, model
 * family, special tokens and BOS/EOS names as the files define them, and RangeError for ids
 * outside the vocabulary. Native subject only.
 */
export function nativeContractTests(spec: TokenizerSpec): void {
  let addon: NativeTokenizerAddon | undefined;
  let handle = -1;
  const h = (): { addon: NativeTokenizerAddon; handle: number } => {
    if (!addon) throw new Error('not loaded');
    return { addon, handle };
  };
  before(async () => {
    addon = spec.addon?.() ?? nativeTokenizerAddon();
    handle = await addon.tokenizerLoad(spec.file());
  });
  after(() => addon?.tokenizerFree(handle));

  test('tokenizerInfo reports the kind, model, special tokens and BOS/EOS of the files', () => {
    const { addon: a, handle: hd } = h();
    const info = a.tokenizerInfo(hd);
    const want = spec.expectedInfo();
    const specials = [...info.specialTokens]
      .map((t) => ({ content: t.content, id: t.id }))
      .sort((x, y) => x.id - y.id);
    assert.deepEqual(
      { kind: info.kind, model: info.model, bos: info.bosToken, eos: info.eosToken },
      { kind: want.kind, model: want.model, bos: want.bosToken, eos: want.eosToken },
    );
    assert.deepEqual(specials, want.specialTokens);
  });

  test('ids outside the vocabulary are a RangeError, not a crash or a silent skip', () => {
    const { addon: a, handle: hd } = h();
    const { vocabSize } = a.tokenizerInfo(hd);
    for (const id of [vocabSize, vocabSize + 1, 0xffffffff]) {
      assert.throws(
        () => a.tokenizerDecode(hd, Uint32Array.of(0, id), false),
        RangeError,
        `id ${id}`,
      );
    }
  });
}
