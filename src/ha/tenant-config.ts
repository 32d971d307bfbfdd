import fs from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** One limit pair; 0 or absent = unlimited. */
export interface Limits {
  readonly tokensPerMinute: number;
  readonly requestsPerMinute: number;
}

export interface ModelRule extends Limits {
  readonly ruleId: string;
  readonly matcher: { readonly type: 'exact' | 'prefix'; readonly value: string };
}

export interface TenantPolicy extends Limits {
  readonly modelRules: readonly ModelRule[];
}

/** SMG's tenant rate-limit file (§9.3), validated. */
export interface TenantLimitConfig {
  readonly defaultPolicy: TenantPolicy;
  /** tenant key (`auth:<id>`, `header:<id>`, `ip:<addr>`, `anonymous`) → its policy. */
  readonly tenants: Readonly<Record<string, TenantPolicy>>;
}

/** Where a bad value is: `FILE:LINE:COL: message`. */
export class TenantConfigError extends Error {}

const MAX_PER_MINUTE = 1e12;

/** Reads and strictly validates the file; every problem names the file, line and column. */
export function loadTenantLimitConfig(file: string): TenantLimitConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TenantConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return parseTenantLimitConfig(text, file);
}

export function parseTenantLimitConfig(text: string, file: string): TenantLimitConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (node: Node | null | undefined): string => {
    const off = node?.range?.[0] ?? 0;
    const p = lines.linePos(off);
    return `${file}:${p.line}:${p.col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const p = first.linePos?.[0];
    const where = p ? `${file}:${p.line}:${p.col}` : file;
    throw new TenantConfigError(
      `${where}: invalid YAML: ${first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const fail = (node: Node | null | undefined, msg: string): never => {
    throw new TenantConfigError(`${at(node)}: ${msg}`);
  };

  function fields(node: unknown, allowed: readonly string[], what: string): Map<string, Node> {
    if (!isMap(node)) return fail(node as Node, `${what} must be a mapping`);
    const out = new Map<string, Node>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) {
        fail(
          pair.key as Node,
          `unknown field '${key}' in ${what} (expected ${allowed.join(', ')})`,
        );
      }
      out.set(key, pair.value as Node);
    }
    return out;
  }
  function count(node: Node | undefined, name: string): number {
    if (node === undefined) return 0;
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_PER_MINUTE) {
      fail(node, `${name} must be an integer between 0 and ${MAX_PER_MINUTE}`);
    }
    return v as number;
  }
  function str(node: Node | undefined, name: string, parent: Node): string {
    if (node === undefined) return fail(parent, `missing field '${name}'`);
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'string' || v === '') fail(node, `${name} must be a non-empty string`);
    return v as string;
  }
  const LIMITS = ['tokens_per_minute', 'requests_per_minute'] as const;
  function rule(node: Node): ModelRule {
    const f = fields(node, ['rule_id', 'matcher', ...LIMITS], 'a model rule');
    const m = f.get('matcher');
    if (m === undefined) fail(node, "missing field 'matcher'");
    const mf = fields(m, ['type', 'value'], 'a matcher');
    const type = str(mf.get('type'), 'type', m as Node);
    if (type !== 'exact' && type !== 'prefix')
      fail(mf.get('type'), "type must be 'exact' or 'prefix'");
    return {
      ruleId: str(f.get('rule_id'), 'rule_id', node),
      matcher: {
        type: type as 'exact' | 'prefix',
        value: str(mf.get('value'), 'value', m as Node),
      },
      tokensPerMinute: count(f.get('tokens_per_minute'), 'tokens_per_minute'),
      requestsPerMinute: count(f.get('requests_per_minute'), 'requests_per_minute'),
    };
  }
  function policy(f: Map<string, Node>, node: Node): TenantPolicy {
    const rules = f.get('model_rules');
    if (rules !== undefined && !isSeq(rules)) fail(rules, 'model_rules must be a list');
    const list = rules === undefined ? [] : (rules as unknown as { items: Node[] }).items.map(rule);
    const ids = new Set<string>();
    for (const r of list) {
      if (ids.has(r.ruleId)) fail(node, `duplicate rule_id '${r.ruleId}'`);
      ids.add(r.ruleId);
    }
    return {
      tokensPerMinute: count(f.get('tokens_per_minute'), 'tokens_per_minute'),
      requestsPerMinute: count(f.get('requests_per_minute'), 'requests_per_minute'),
      modelRules: list,
    };
  }

  const top = fields(doc.contents, ['default_policy', 'tenants'], 'the file');
  const dp = top.get('default_policy');
  const defaultPolicy =
    dp === undefined
      ? { tokensPerMinute: 0, requestsPerMinute: 0, modelRules: [] }
      : policy(fields(dp, ['model_rules', ...LIMITS], 'default_policy'), dp);
  const tenants: Record<string, TenantPolicy> = {};
  const t = top.get('tenants');
  if (t !== undefined) {
    if (!isSeq(t)) fail(t, 'tenants must be a list');
    for (const item of (t as unknown as { items: Node[] }).items) {
      const f = fields(item, ['tenant_key', 'model_rules', ...LIMITS], 'a tenant');
      const key = str(f.get('tenant_key'), 'tenant_key', item);
      if (!/^(auth:.+|header:.+|ip:.+|anonymous)$/.test(key)) {
        fail(
          f.get('tenant_key'),
          `tenant_key must be auth:<id>, header:<id>, ip:<addr> or anonymous`,
        );
      }
      if (key in tenants) fail(item, `duplicate tenant_key '${key}'`);
      tenants[key] = policy(f, item);
    }
  }
  return { defaultPolicy, tenants };
}

/** The limits that apply to (tenant, model), and the bucket they count in. */
export function limitsFor(
  c: TenantLimitConfig,
  tenant: string,
  model: string,
): { readonly bucket: string; readonly limits: Limits } | undefined {
  const p = c.tenants[tenant] ?? c.defaultPolicy;
  const r = p.modelRules.find((m) =>
    m.matcher.type === 'exact' ? model === m.matcher.value : model.startsWith(m.matcher.value),
  );
  const limits = r ?? p;
  if (limits.tokensPerMinute === 0 && limits.requestsPerMinute === 0) return undefined;
  return { bucket: `${tenant}|${r ? r.ruleId : '*'}`, limits };
}
