import type { GatewayConfig } from './config';

/**
 * Object.freeze on the value and everything reachable from it (plain data: objects and
 * arrays, no cycles, no typed arrays). Mutating a frozen config throws in strict mode.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    const children: unknown[] = Object.values(value);
    for (const child of children) deepFreeze(child);
  }
  return value;
}

/**
 * The one way a config becomes final: after parsing, and again where a process receives
 * it over IPC (structured clone drops the freeze).
 */
export function freezeConfig(config: GatewayConfig): GatewayConfig {
  return deepFreeze(config);
}
