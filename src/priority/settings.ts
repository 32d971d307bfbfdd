import fs from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { isPriorityClass, PRIORITY_CLASSES, type PriorityClass } from './classes';

/** One class's admission rules (SMG `ClassConfig`; YAML field names in brackets). */
export interface ClassConfig {
  /** Slots kept for this class and above: lower classes cannot take them [reserved_floor]. */
  readonly reservedFloor: number;
  /** Share of capacity reserved on top of the floor: max(floor, ceil(share × capacity)) [reserved_per_slot]. */
  readonly reservedPerSlot: number;
  /** Requests of this class that may wait; more → 429 scheduler_queue_full [queue_size]. */
  readonly queueSize: number;
  /** Longest wait, seconds; then 408 scheduler_queue_timeout [queue_timeout_secs]. */
  readonly queueTimeoutSecs: number;
  /** A head waiter older than this (seconds) is admitted past the reservations [starvation_threshold_secs]. */
  readonly starvationThresholdSecs: number;
  /** May preempt a lower-class request that has not sent its first byte [can_preempt]. */
  readonly canPreempt: boolean;
}

/** SMG's built-in defaults (`ClassConfig::default_for`). */
export const DEFAULT_CLASS_CONFIG: Readonly<Record<PriorityClass, ClassConfig>> = {
  system: {
    reservedFloor: 32,
    reservedPerSlot: 0,
    queueSize: 64,
    queueTimeoutSecs: 30,
    starvationThresholdSecs: 5,
    canPreempt: true,
  },
  interactive: {
    reservedFloor: 128,
    reservedPerSlot: 0.25,
    queueSize: 256,
    queueTimeoutSecs: 30,
    starvationThresholdSecs: 5,
    canPreempt: true,
  },
  default: {
    reservedFloor: 0,
    reservedPerSlot: 0.1,
    queueSize: 512,
    queueTimeoutSecs: 60,
    starvationThresholdSecs: 30,
    canPreempt: false,
  },
  bulk: {
    reservedFloor: 0,
    reservedPerSlot: 0,
    queueSize: 1024,
    queueTimeoutSecs: 300,
    starvationThresholdSecs: 120,
    canPreempt: false,
  },
};

/** What `--priority-scheduler-config` may set: whole class blocks and tenant maxima. */
export interface PriorityFile {
  readonly classes: Partial<Record<PriorityClass, ClassConfig>>;
  /** tenant key (`auth:<id>`, `header:<id>`, `ip:<addr>`, `anonymous`) → its highest class. */
  readonly tenantPolicies: Readonly<Record<string, PriorityClass>>;
}

/** The scheduler's settings, built once at startup. */
export interface PrioritySettings {
  /** Per class, YAML blocks over SMG's defaults (a block replaces the whole default block). */
  readonly classes: Readonly<Record<PriorityClass, ClassConfig>>;
  /** Max class of tenants the file does not name (--priority-scheduler-default-max-class). */
  readonly defaultMaxClass: PriorityClass;
  readonly tenantPolicies: Readonly<Record<string, PriorityClass>>;
  /** Distinct tenants labelled in the tenant metrics; the rest count as "other". */
  readonly tenantMetricTopN: number;
}

export function prioritySettings(
  file: PriorityFile | undefined,
  defaultMaxClass: PriorityClass,
  tenantMetricTopN: number,
): PrioritySettings {
  return {
    classes: { ...DEFAULT_CLASS_CONFIG, ...(file?.classes ?? {}) },
    defaultMaxClass,
    tenantPolicies: file?.tenantPolicies ?? {},
    tenantMetricTopN,
  };
}

/** A bad scheduler file: `FILE:LINE:COL: message`. */
export class PriorityConfigError extends Error {}

export function loadPriorityFile(file: string): PriorityFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PriorityConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return parsePriorityFile(text, file);
}

const CLASS_FIELDS = [
  'reserved_floor',
  'reserved_per_slot',
  'queue_size',
  'queue_timeout_secs',
  'starvation_threshold_secs',
  'can_preempt',
] as const;

/**
 * SMG's YAML (`PrioritySchedulerYaml`): `classes.<class>` blocks (every field but
 * reserved_per_slot required) and `tenant_policies.<tenant key>.max_class`. Stricter than
 * SMG's serde in one way: unknown fields are refused (a typo would otherwise be ignored).
 */
export function parsePriorityFile(text: string, file: string): PriorityFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (node: Node | null | undefined): string => {
    const p = lines.linePos(node?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const p = first.linePos?.[0];
    const where = p ? `${file}:${p.line}:${p.col}` : file;
    throw new PriorityConfigError(`${where}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const fail = (node: Node | null | undefined, msg: string): never => {
    throw new PriorityConfigError(`${at(node)}: ${msg}`);
  };
  const entries = (node: unknown, what: string): Array<[string, Node, Node]> => {
    if (!isMap(node)) return fail(node as Node, `${what} must be a mapping`);
    return node.items.map((p) => [
      isScalar(p.key) ? String(p.key.value) : '',
      p.key as Node,
      p.value as Node,
    ]);
  };
  const num = (node: Node | undefined, name: string, parent: Node, max: number, int = true) => {
    if (node === undefined) return fail(parent, `missing field '${name}'`);
    const v = isScalar(node) ? node.value : undefined;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max;
    if (!ok || (int && !Number.isInteger(v))) {
      fail(node, `${name} must be ${int ? 'an integer' : 'a number'} between 0 and ${max}`);
    }
    return v as number;
  };
  const positive = (node: Node | undefined, name: string, parent: Node): number => {
    const v = num(node, name, parent, 1e9);
    if (v === 0) fail(node, `${name} must be > 0`);
    return v;
  };

  function classBlock(node: Node): ClassConfig {
    const f = new Map<string, Node>();
    for (const [key, k, v] of entries(node, 'a class block')) {
      if (!(CLASS_FIELDS as readonly string[]).includes(key)) {
        fail(k, `unknown field '${key}' (expected ${CLASS_FIELDS.join(', ')})`);
      }
      f.set(key, v);
    }
    const flag = f.get('can_preempt');
    if (flag === undefined) fail(node, "missing field 'can_preempt'");
    if (!isScalar(flag) || typeof flag.value !== 'boolean')
      fail(flag, 'can_preempt must be true or false');
    const share = f.get('reserved_per_slot');
    return {
      reservedFloor: num(f.get('reserved_floor'), 'reserved_floor', node, 65535),
      reservedPerSlot: share === undefined ? 0 : num(share, 'reserved_per_slot', node, 1, false),
      queueSize: num(f.get('queue_size'), 'queue_size', node, 4294967295),
      queueTimeoutSecs: positive(f.get('queue_timeout_secs'), 'queue_timeout_secs', node),
      starvationThresholdSecs: positive(
        f.get('starvation_threshold_secs'),
        'starvation_threshold_secs',
        node,
      ),
      canPreempt: (flag as unknown as { value: boolean }).value,
    };
  }

  const classes: Partial<Record<PriorityClass, ClassConfig>> = {};
  const tenantPolicies: Record<string, PriorityClass> = {};
  if (doc.contents === null) return { classes, tenantPolicies }; // an empty file: all defaults
  for (const [key, k, v] of entries(doc.contents, 'the file')) {
    if (key === 'classes') {
      if (v === null || (isScalar(v) && v.value === null)) continue;
      for (const [name, nk, block] of entries(v, 'classes')) {
        if (!isPriorityClass(name))
          fail(nk, `unknown class '${name}' (expected ${PRIORITY_CLASSES.join(', ')})`);
        classes[name as PriorityClass] = classBlock(block);
      }
    } else if (key === 'tenant_policies') {
      if (v === null || (isScalar(v) && v.value === null)) continue;
      for (const [tenant, tk, policy] of entries(v, 'tenant_policies')) {
        if (tenant === '') fail(tk, 'tenant key must not be empty');
        const pf = entries(policy, 'a tenant policy');
        const mc = pf.find(([n]) => n === 'max_class');
        for (const [n, nk] of pf)
          if (n !== 'max_class') fail(nk, `unknown field '${n}' (expected max_class)`);
        if (!mc) return fail(policy, "missing field 'max_class'");
        const value = isScalar(mc[2]) ? String(mc[2].value) : '';
        if (!isPriorityClass(value))
          fail(mc[2], `max_class must be one of ${PRIORITY_CLASSES.join(', ')}`);
        tenantPolicies[tenant] = value as PriorityClass;
      }
    } else {
      fail(k, `unknown field '${key}' (expected classes, tenant_policies)`);
    }
  }
  return { classes, tenantPolicies };
}
