import os from 'node:os';
import type { AssignmentMode, PolicyName } from '../policies/types';
import type { LogLevel } from '../util/logger';
import type { AuthConfig } from '../auth';
import type { TokenizerConfig } from './tokenizer-config';

/** Validated, frozen gateway configuration (built once at startup from the flags). */
export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly workerUrls: readonly string[];
  readonly policy: PolicyName;
  /** alias → canonical model id */
  readonly modelAliases: Readonly<Record<string, string>>;
  readonly maxPayloadSize: number;
  readonly requestTimeoutSecs: number;
  /** lower-case header names, searched in order */
  readonly requestIdHeaders: readonly string[];
  readonly logLevel: LogLevel;
  readonly logJson: boolean;
  readonly workers: number;
  readonly assignmentMode: AssignmentMode;
  readonly maxIdleSecs: number;
  readonly evictionInterval: number;
  readonly workerStartupTimeoutSecs: number;
  readonly workerStartupCheckInterval: number;
  readonly shutdownGracePeriodSecs: number;
  readonly corsAllowedOrigins: readonly string[];
  /** Separate probe listener; undefined = off. */
  readonly healthCheckPort?: number;
  readonly prometheusHost: string;
  readonly prometheusPort: number;
  /** Empty = the default buckets. */
  readonly prometheusDurationBuckets: readonly number[];
  readonly auth: AuthConfig;
  readonly loadMonitorInterval: number;
  readonly redisUrl?: string;
  /** Random per start; names this instance's participants on shared buses. */
  readonly instanceId: string;
  readonly cacheAware: {
    readonly cacheThreshold: number;
    readonly balanceAbsThreshold: number;
    readonly balanceRelThreshold: number;
    readonly blockSize: number;
    readonly maxTreeSize: number;
    readonly mode: 'collie' | 'smg';
  };
  readonly health: {
    readonly intervalSecs: number;
    readonly timeoutSecs: number;
    readonly endpoint: string;
    readonly successThreshold: number;
    readonly failureThreshold: number;
    readonly disabled: boolean;
    readonly removeUnhealthy: boolean;
    readonly drainSettleSecs: number;
  };
  readonly circuitBreaker: {
    readonly failureThreshold: number;
    readonly successThreshold: number;
    readonly timeoutSecs: number;
    readonly halfOpenMaxProbes: number;
    readonly disabled: boolean;
  };
  readonly retry: {
    readonly maxAttempts: number;
    readonly initialBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly multiplier: number;
    readonly jitter: number;
  };
  readonly admission: {
    readonly maxConcurrent: number;
    readonly queueSize: number;
    readonly queueTimeoutSecs: number;
    readonly refillPerSec?: number;
  };
  readonly tokenizer: TokenizerConfig;
}

export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}
