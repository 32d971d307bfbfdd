import path from 'node:path';

/** The C++ addon's surface (native/binding/addon.cc). */
export interface NativeAddon {
  hash64(data: string | Uint8Array, seed?: bigint): bigint;
  chainedBlockHashes(tokens: Uint32Array, blockSize: number, seed?: bigint): BigUint64Array;
}

let cached: NativeAddon | undefined;

/** Loads build/Release/collie_native.node (built by `npm ci` through scripts/build-native.js). */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  const file = path.resolve(__dirname, '..', '..', '..', 'build', 'Release', 'collie_native.node');
  cached = require(file) as NativeAddon; // eslint-disable-line @typescript-eslint/no-require-imports
  return cached;
}
