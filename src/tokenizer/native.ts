import { loadNative } from '../native';
import type { NativeTokenizerAddon } from '../native/tokenizer-addon';
import { createFallbackAddon, createJsTokenizerEngine } from './js-engine';

/**
 * The tokenizer functions of the C++ addon. Throws a clear error when the build in
 * build/Release predates the tokenizer binding (so a caller learns why, not "not a function").
 */
export function tokenizerAddon(load: () => unknown = loadNative): NativeTokenizerAddon {
  const addon = load() as Partial<NativeTokenizerAddon>;
  if (typeof addon.tokenizerLoad !== 'function' || typeof addon.tokenizerEncode !== 'function') {
    throw new Error(
      'the native addon was built without the tokenizer (rebuild it: node scripts/build-native.js)',
    );
  }
  return addon as NativeTokenizerAddon;
}

let fallback: ReturnType<typeof createFallbackAddon> | undefined;

/**
 * The addon tokenizers load with, once per thread: the C++ engine, and the JS engine for the
 * tokenizer.json files the C++ engine refuses as unsupported (WordPiece, Unigram, …).
 */
export function defaultTokenizerAddon(): ReturnType<typeof createFallbackAddon> {
  fallback ??= createFallbackAddon(tokenizerAddon(), createJsTokenizerEngine());
  return fallback;
}
