/**
 * In-process fake SGLang/OpenAI-compatible inference engine for tests, benchmarks and the
 * demo: every route the gateway proxies or probes, a prefix KV-cache simulation that reports
 * `cached_tokens`, live load figures, and fault injection (engine-wide or per request).
 */
export { startMockEngine } from './server';
export { mockEngineCommand, parseMockEngineArgs, MOCK_ENGINE_USAGE } from './cli';
export type { MockEngineCommandDeps } from './cli';
export { FAULT_HEADER } from './faults';
export { createPrefixKvCache } from './kv-cache';
export type { BlockHasher, PrefixKvCache, PrefixKvCacheOptions } from './kv-cache';
export { MOCK_RUNTIMES } from './types';
export type {
  FaultConfig,
  MockEngine,
  MockEngineOptions,
  MockEngineStats,
  MockRuntime,
  RecordedRequest,
} from './types';
