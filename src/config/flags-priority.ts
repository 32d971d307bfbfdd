import { ConfigError } from './errors';
import { bool, enumOf, int, str } from './flag-kinds';
import { derive } from './schema';
import { PRIORITY_CLASSES } from '../priority/classes';
import { loadPriorityFile, prioritySettings, type PrioritySettings } from '../priority/settings';

/**
 * SMG's priority scheduler (§9.2): the four flags, SMG's names and defaults. Per-class rules
 * (reserved slots, queue sizes and timeouts, starvation, preemption) come from the YAML file.
 */
export const PRIORITY_FLAGS = derive(
  {
    enabled: bool('--priority-scheduler-enabled', {
      help: 'Admit protected requests by x-smg-priority class (bulk < default < interactive < system) instead of the legacy limiter; cluster-wide with --redis-url',
    }),
    defaultMaxClass: enumOf('--priority-scheduler-default-max-class', PRIORITY_CLASSES, {
      default: 'default',
      help: 'Highest class of tenants the scheduler file does not list',
    }),
    file: str('--priority-scheduler-config', {
      help: 'YAML of per-class rules (classes.CLASS: reserved_floor, reserved_per_slot, queue_size, queue_timeout_secs, starvation_threshold_secs, can_preempt) and tenant_policies.TENANT.max_class',
    }),
    tenantMetricTopN: int('--priority-scheduler-tenant-metric-top-n', {
      default: 32,
      min: 0,
      help: 'Tenants labelled in the scheduler metrics; the rest count as "other"',
    }),
  },
  (v): PrioritySettings | undefined => {
    if (!v.enabled) return undefined;
    try {
      const file = v.file === undefined ? undefined : loadPriorityFile(v.file);
      return prioritySettings(file, v.defaultMaxClass, v.tenantMetricTopN);
    } catch (err) {
      throw new ConfigError(`--priority-scheduler-config: ${(err as Error).message}`);
    }
  },
);
