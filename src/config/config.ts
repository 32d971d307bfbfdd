import os from 'node:os';
import type { ConfigOf } from './schema';
import type { LAUNCH_SCHEMA } from './flags';

/**
 * Validated, deep-frozen gateway configuration, built once at startup from the flags.
 * Its shape is the launch schema's (src/config/flags*.ts): each key is the flag (or derived
 * value) defined there, so a field's documentation is its flag's help text.
 */
// An interface (not an alias) so messages and hovers say GatewayConfig.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface GatewayConfig extends ConfigOf<typeof LAUNCH_SCHEMA> {}

/** Ingress processes when --workers is not given: one per available CPU. */
export function defaultIngressCount(): number {
  return Math.max(1, os.availableParallelism());
}
