/**
 * The `code` property errors from the addon carry. It is set once, at the N-API boundary
 * (native/binding/guard.h: ThrowType and Guard), so callers branch on it and never parse a
 * message:
 *  - invalid_argument: a TypeError/RangeError about the call's arguments, including an unknown
 *    or freed tokenizer handle (a bug in the JS caller, which validates first)
 *  - native_failure: a C++ exception from the engine; the message says what failed
 *
 * Not covered: the plain hash helpers of addon.cc (hash64, chainedBlockHashes…) throw without a
 * code, and tokenizerLoad's rejection has none (the only caller, loadTokenizer, codes it).
 * A code does not survive a structured clone (worker threads): see tokenizer/pool-messages.ts.
 */
export const NATIVE_ERROR_CODES = ['invalid_argument', 'native_failure'] as const;

export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

/** The code of an error from the addon, or undefined for anything else. */
export function nativeErrorCode(err: unknown): NativeErrorCode | undefined {
  const code = codeOf(err);
  return (NATIVE_ERROR_CODES as readonly string[]).includes(code ?? '')
    ? (code as NativeErrorCode)
    : undefined;
}

/** `err.code` when err is an Error with a string code. */
export function codeOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
