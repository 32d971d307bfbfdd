import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineConfig } from './config';
import {
  createCounters,
  RequestRecorder,
  Scheduler,
  ThroughputMeter,
  type Counters,
} from './engine-state';
import { createPrefixKvCache, type KvCacheObserver, type PrefixKvCache } from './kv-cache';
import type { MockKvEventsPublisher } from './kv-events-publisher';
import { TokenBuffer } from './tokenizer';
import type { FaultConfig, MockEngineStats } from './types';
import type { PdRequest, PdRole } from './pd-role';

/** Everything one engine owns; handlers receive it through the request context. */
export interface EngineCore {
  readonly cfg: EngineConfig;
  readonly kv: PrefixKvCache;
  readonly scheduler: Scheduler;
  readonly counters: Counters;
  readonly throughput: ThroughputMeter;
  readonly recorder: RequestRecorder;
  /** Scratch buffer for prompt tokens; valid only until the handler's next await. */
  readonly tokens: TokenBuffer;
  /** Engine-wide fault config (mutated by setFault). */
  fault: FaultConfig;
  /** Monotonic ms when the shared prefill unit frees up (cfg.prefillShared). */
  prefillBusyUntil: number;
  /** Inference requests received whose response has not finished or closed. */
  open: number;
  workerId: string;
  port: number;
  /** PD role (set at start when configured). */
  pd?: PdRole;
  /** The KV-event publisher, when the engine publishes events. */
  kvEvents?: MockKvEventsPublisher;
  /** Ids of the responses this engine created (POST /v1/responses/{id}/cancel knows them). */
  readonly responseIds: Set<string>;
  /** Unique id with a prefix (`chatcmpl-…`); deterministic per engine. */
  nextId(prefix: string): string;
  /** Unix seconds for `created` fields. */
  nowSec(): number;
}

/** One request as a handler sees it. */
export interface RequestCtx {
  readonly core: EngineCore;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Parsed JSON body (null for routes that take none). */
  readonly body: unknown;
  /** Aborted when the client goes away or the engine closes. */
  readonly signal: AbortSignal;
  /** Effective fault config for this request. */
  readonly fault: Readonly<FaultConfig>;
  /** PD role hooks of this request (pd-role.ts). */
  readonly pd?: PdRequest;
}

export function createEngineCore(cfg: EngineConfig, observer?: KvCacheObserver): EngineCore {
  let seq = 0;
  return {
    cfg,
    kv: createPrefixKvCache({
      blockSize: cfg.blockSize,
      capacityTokens: cfg.kvCapacityTokens,
      ...(observer ? { observer } : {}),
    }),
    scheduler: new Scheduler(cfg.maxRunningRequests),
    counters: createCounters(),
    throughput: new ThroughputMeter(),
    recorder: new RequestRecorder(cfg.recordLimit),
    tokens: new TokenBuffer(),
    fault: { ...cfg.fault },
    prefillBusyUntil: 0,
    open: 0,
    workerId: cfg.workerId ?? `worker-${cfg.port}`,
    port: cfg.port,
    responseIds: new Set<string>(),
    nextId(prefix) {
      seq++;
      return `${prefix}${this.port.toString(16)}${seq.toString(16).padStart(8, '0')}`;
    },
    nowSec() {
      return Math.floor(cfg.clock.now() / 1000);
    },
  };
}

export function snapshotStats(core: EngineCore): MockEngineStats {
  const c = core.counters;
  return {
    requests: c.requests,
    inferenceRequests: c.inferenceRequests,
    completed: c.completed,
    aborted: c.aborted,
    failed: c.failed,
    open: core.open,
    running: core.scheduler.running,
    waiting: core.scheduler.waiting,
    promptTokens: c.promptTokens,
    cachedTokens: c.cachedTokens,
    completionTokens: c.completionTokens,
    kvCachedTokens: core.kv.cachedTokens(),
    cacheHitRate: c.promptTokens > 0 ? c.cachedTokens / c.promptTokens : 0,
  };
}
