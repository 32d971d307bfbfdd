import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../util/clock';
import type { Rng } from '../util/rng';
import type { MockKvEventsControl, MockKvEventsOptions } from './kv-events-publisher';

export const MOCK_RUNTIMES = ['sglang', 'vllm'] as const;
export type MockRuntime = (typeof MOCK_RUNTIMES)[number];

/** Options of one mock engine. Every field is optional; defaults in brackets. */
export interface MockEngineOptions {
  /** TCP port; 0 picks a free one. [0] */
  port?: number;
  /** Listen address. [127.0.0.1] */
  host?: string;
  /** Served model name. ['mock-model'] */
  model?: string;
  /** Value of the `x-worker-id` response header. [`worker-<port>`] */
  workerId?: string;
  /** Output tokens per generation when the request sets no max-token field. [8] */
  tokens?: number;
  /** Time each output token takes, in ms. [0] */
  tokenDelayMs?: number;
  /** Delay before response headers on inference routes, in ms (live: `setFault({delayMs})`). [0] */
  responseDelayMs?: number;
  /** Probability (0..1) that an inference request fails with `failStatus`. [0] */
  failRate?: number;
  /** Status used by `failRate` failures. [500] */
  failStatus?: number;
  /** Prefix-cache capacity in tokens; also reported as `max_total_num_tokens`. [65536] */
  kvCapacityTokens?: number;
  /** Tokens per KV block; only full blocks are cached. [16] */
  blockSize?: number;
  /** Simulated prefill speed in tokens/s for uncached prompt tokens; 0 = instant. [0] */
  prefillTokensPerSec?: number;
  /**
   * When true, prefillTokensPerSec is the engine's total prefill throughput, shared by all
   * requests in arrival order (a compute-bound engine), instead of a per-request speed. [false]
   */
  prefillShared?: boolean;
  /** Generations running at once; more wait in a FIFO queue (`num_waiting_reqs`). [2048] */
  maxRunningRequests?: number;
  /** Engine flavour reported in /v1/models `owned_by` and /metrics names. ['sglang'] */
  runtime?: MockRuntime;
  /** Requests kept in `requests` (oldest dropped first); 0 disables recording. [1000] */
  recordLimit?: number;
  /** Random source for `failRate`. [Math.random] */
  rng?: Rng;
  /** Time source (`created` fields, throughput, delays). [system clock] */
  clock?: Clock;
  /** PD disaggregation role (see pd-role.ts); absent = a regular engine. */
  role?: 'prefill' | 'decode';
  /** Prefill role: port of the KV bootstrap server (0 = a free one). [0] */
  bootstrapPort?: number;
  /** PD: KV hand-off speed in prompt tokens/s; 0 = instant. [0] */
  kvTransferTokensPerSec?: number;
  /** Decode role: longest wait for the prefill's KV before failing with 500, ms. [30000] */
  bootstrapTimeoutMs?: number;
  /** Publish the cache's contents as vLLM KV events over ZeroMQ. [off] */
  kvEvents?: MockKvEventsOptions;
}

/**
 * Live failure injection. Set engine-wide with `setFault` (applies to inference routes and
 * /health_generate) or per request with the `x-mock-fault` header (applies to any route).
 */
export interface FaultConfig {
  /** Respond with this status and an error body instead of handling the request; null = off. */
  status: number | null;
  /** Read the request, then never respond until the client goes away. */
  hang: boolean;
  /** Emit this many output tokens, then destroy the socket (stream or not); null = off. */
  dropAfterTokens: number | null;
  /** Probability (0..1) of failing with `failStatus`. */
  failRate: number;
  /** Status of `failRate` failures. */
  failStatus: number;
  /** Delay before response headers, in ms. */
  delayMs: number;
  /** false → /health and /health_generate answer 503 (engine-wide only). */
  healthy: boolean;
}

/** One request as received; `body` is parsed JSON, the raw text when not JSON, or null when empty. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Full request target including the query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The client's TCP port: which connection (hence which client process) sent it. */
  remotePort: number;
}

export interface MockEngineStats {
  /** Every HTTP request received. */
  requests: number;
  /** Requests that reached an inference handler (after fault injection). */
  inferenceRequests: number;
  /** Generations that finished normally. */
  completed: number;
  /** Generations stopped by a client disconnect, a drop fault or engine close. */
  aborted: number;
  /** Responses produced by fault injection (status / failRate). */
  failed: number;
  /**
   * Inference requests received and not yet answered or closed: running and waiting
   * generations, plus requests before their generation (a PD decode waiting for its KV, a
   * fault delay or hang).
   */
  open: number;
  /** Generations admitted and not yet finished. */
  running: number;
  /** Generations waiting for a running slot. */
  waiting: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** Tokens currently held by the prefix-cache simulation (blocks × blockSize). */
  kvCachedTokens: number;
  /** cachedTokens / promptTokens over the engine's life (0 when no prompts). */
  cacheHitRate: number;
}

export interface MockEngine {
  readonly url: string;
  readonly port: number;
  readonly workerId: string;
  readonly model: string;
  /** Prefill role: the port of its KV bootstrap server. */
  readonly bootstrapPort?: number;
  /** Closes the listener, aborts in-flight work and destroys open connections. */
  close(): Promise<void>;
  /** Merges into the engine-wide fault config (live). */
  setFault(f: Partial<FaultConfig>): void;
  /** Current engine-wide fault config (a copy). */
  fault(): FaultConfig;
  /** Recorded requests, oldest first (a fresh array each read; bounded by `recordLimit`). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  stats(): MockEngineStats;
  /** Empties the prefix-cache simulation (same as POST /flush_cache). */
  flushCache(): void;
  /** The KV-event publisher's controls, with `kvEvents` set; evict(n) drops n LRU blocks. */
  readonly kvEvents?: MockKvEventsControl & { evict(blocks: number): number };
}
