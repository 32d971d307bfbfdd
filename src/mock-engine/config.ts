import { systemClock, type Clock } from '../util/clock';
import { mathRng, type Rng } from '../util/rng';
import { MOCK_RUNTIMES, type FaultConfig, type MockEngineOptions, type MockRuntime } from './types';
import { checkKvEvents, type MockKvEventsOptions } from './kv-events-config';

/** Options with defaults applied and values validated; frozen once built. */
export interface EngineConfig {
  readonly port: number;
  readonly host: string;
  readonly model: string;
  readonly workerId: string | undefined;
  readonly tokens: number;
  readonly tokenDelayMs: number;
  readonly kvCapacityTokens: number;
  readonly blockSize: number;
  readonly prefillTokensPerSec: number;
  readonly prefillShared: boolean;
  readonly maxRunningRequests: number;
  readonly runtime: MockRuntime;
  readonly recordLimit: number;
  readonly rng: Rng;
  readonly clock: Clock;
  /** Initial engine-wide fault config. */
  readonly fault: Readonly<FaultConfig>;
  readonly kvEvents: MockKvEventsOptions | undefined;
}

/** Context length reported by /v1/models, server_info and friends. */
export const CONTEXT_LENGTH = 32768;

function int(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`mock-engine: ${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
  return v;
}

function num(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new Error(`mock-engine: ${name} must be a number in [${min}, ${max}], got ${v}`);
  }
  return v;
}

function nonEmpty(name: string, v: string | undefined, def: string): string {
  if (v === undefined) return def;
  if (v.length === 0) throw new Error(`mock-engine: ${name} must not be empty`);
  return v;
}

/** Validates a status code used for injected failures. */
export function checkStatus(name: string, v: number): number {
  return int(name, v, v, 200, 599);
}

/** Applies defaults and validates; throws an Error naming the bad option. */
export function resolveConfig(o: MockEngineOptions = {}): EngineConfig {
  if (o.runtime !== undefined && !MOCK_RUNTIMES.includes(o.runtime)) {
    throw new Error(`mock-engine: runtime must be one of ${MOCK_RUNTIMES.join(', ')}`);
  }
  const cfg: EngineConfig = {
    port: int('port', o.port, 0, 0, 65535),
    host: nonEmpty('host', o.host, '127.0.0.1'),
    model: nonEmpty('model', o.model, 'mock-model'),
    workerId: o.workerId === undefined ? undefined : nonEmpty('workerId', o.workerId, ''),
    tokens: int('tokens', o.tokens, 8, 0, 1_000_000),
    tokenDelayMs: num('tokenDelayMs', o.tokenDelayMs, 0, 0, 3_600_000),
    kvCapacityTokens: int('kvCapacityTokens', o.kvCapacityTokens, 65536, 0, 2 ** 40),
    blockSize: int('blockSize', o.blockSize, 16, 1, 1_048_576),
    prefillTokensPerSec: num('prefillTokensPerSec', o.prefillTokensPerSec, 0, 0, 1e12),
    prefillShared: o.prefillShared === true,
    maxRunningRequests: int('maxRunningRequests', o.maxRunningRequests, 2048, 1, 1_000_000),
    runtime: o.runtime ?? 'sglang',
    recordLimit: int('recordLimit', o.recordLimit, 1000, 0, 1_000_000),
    rng: o.rng ?? mathRng,
    clock: o.clock ?? systemClock,
    kvEvents: o.kvEvents === undefined ? undefined : checkKvEvents(o.kvEvents),
    fault: Object.freeze({
      status: null,
      hang: false,
      dropAfterTokens: null,
      failRate: num('failRate', o.failRate, 0, 0, 1),
      failStatus: checkStatus('failStatus', o.failStatus ?? 500),
      delayMs: num('responseDelayMs', o.responseDelayMs, 0, 0, 3_600_000),
      healthy: true,
    }),
  };
  return Object.freeze(cfg);
}

/** Validates a fault patch (from setFault or a header) so bad values fail loudly. */
export function checkFault(f: Partial<FaultConfig>): Partial<FaultConfig> {
  if (f.status !== undefined && f.status !== null) checkStatus('fault.status', f.status);
  if (f.dropAfterTokens !== undefined && f.dropAfterTokens !== null) {
    int('fault.dropAfterTokens', f.dropAfterTokens, 0, 0, 1_000_000);
  }
  if (f.failRate !== undefined) num('fault.failRate', f.failRate, 0, 0, 1);
  if (f.failStatus !== undefined) checkStatus('fault.failStatus', f.failStatus);
  if (f.delayMs !== undefined) num('fault.delayMs', f.delayMs, 0, 0, 3_600_000);
  if (f.hang !== undefined && typeof f.hang !== 'boolean') {
    throw new Error('mock-engine: fault.hang must be a boolean');
  }
  if (f.healthy !== undefined && typeof f.healthy !== 'boolean') {
    throw new Error('mock-engine: fault.healthy must be a boolean');
  }
  return f;
}
