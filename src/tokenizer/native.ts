import { loadNative } from '../native';
import type { NativeTokenizerAddon } from '../native/tokenizer-addon';

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
