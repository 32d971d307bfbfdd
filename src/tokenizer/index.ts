/**
 * collie/tokenizer: Hugging Face tokenizer.json and tiktoken tokenizers on the C++ addon,
 * short inputs encoded inline, long ones on a thread pool, optional L0/L1 caches.
 */
export { loadTokenizer, type LoadTokenizerOptions } from './load';
export {
  Tokenizer,
  DEFAULT_INLINE_THRESHOLD,
  DEFAULT_DECODE_INLINE_THRESHOLD,
  type EncodeOptions,
  type DecodeOptions,
  type DispatchOptions,
  type TokenizerInfo,
  type TokenIds,
} from './tokenizer';
export { DecodeStream } from './decode-stream';
export { measureCrossover, sampleText, type CrossoverResult, type CrossoverRow } from './calibrate';
export {
  createTokenizerPool,
  defaultPoolThreads,
  type TokenizerPool,
  type TokenizerPoolOptions,
} from './pool';
export type { TokenizerCacheOptions, TokenizerCacheStats } from './cached-encoder';
export type { L0CacheOptions, CacheStats } from './cache-l0';
export type { L1CacheOptions } from './cache-l1';
export { resolveTokenizerSource, type ResolveSourceOptions, type ResolvedSource } from './source';
export { hubSettingsFromEnv, type HubSettings } from './hf-cache';
export { TokenizerSourceError, type TokenizerSourceErrorCode } from './source-errors';
export {
  TOKENIZER_ERROR_CODES,
  tokenizerErrorCode,
  type CodedError,
  type TokenizerErrorCode,
} from './errors';
