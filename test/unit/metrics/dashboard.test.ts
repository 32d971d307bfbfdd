import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createGatewayMetrics } from '../../../src/metrics/gateway-metrics';

const DASHBOARD = path.resolve(__dirname, '..', '..', '..', '..', 'dashboards', 'collie.json');

interface Dashboard {
  readonly panels: ReadonlyArray<{ readonly targets: ReadonlyArray<{ readonly expr: string }> }>;
  readonly templating: {
    readonly list: ReadonlyArray<{ readonly type: string; readonly query?: unknown }>;
  };
}

/** A metric name (collie's, SMG's, prom-client's process metrics) and its matchers. */
const METRIC = /\b((?:smg|collie|process|nodejs)_[a-zA-Z0-9_]+)(?:\{([^}]*)\})?/g;
const SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/** Every query of the dashboard (panel targets and template variables). */
function queries(d: Dashboard): string[] {
  const out = d.panels.flatMap((p) => p.targets.map((t) => t.expr));
  // a 'query' variable runs PromQL; a 'datasource' variable's query is a plugin type
  for (const v of d.templating.list) {
    if (v.type === 'query' && typeof v.query === 'string') out.push(v.query);
  }
  return out;
}

/** The registry one collie process exposes: gateway families and process/Node.js metrics. */
function labelNamesByFamily(): Map<string, readonly string[]> {
  const registry = new Registry();
  createGatewayMetrics(registry);
  collectDefaultMetrics({ register: registry });
  const out = new Map<string, readonly string[]>();
  for (const m of registry.getMetricsAsArray()) {
    const { name, labelNames } = m as unknown as { name: string; labelNames?: string[] };
    out.set(name, [...(labelNames ?? []), 'le']);
  }
  return out;
}

test('every query of dashboards/collie.json names metrics and labels the registry has', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const families = labelNamesByFamily();
  const familyOf = (name: string): string | undefined => {
    if (families.has(name)) return name;
    const suffix = SUFFIXES.find((s) => name.endsWith(s));
    const base = suffix ? name.slice(0, -suffix.length) : undefined;
    return base !== undefined && families.has(base) ? base : undefined;
  };
  let checked = 0;
  for (const q of queries(dashboard)) {
    const refs = [...q.matchAll(METRIC)];
    assert.ok(refs.length > 0, `query names no metric: ${q}`);
    for (const [, name = '', matchers = ''] of refs) {
      const family = familyOf(name);
      assert.ok(family, `${name} (in ${q}) is not a registered metric`);
      for (const [, label = ''] of matchers.matchAll(/([a-zA-Z_]+)\s*(?:=~|!~|!=|=)/g)) {
        assert.ok(families.get(family)?.includes(label), `${name} has no label ${label}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} metric references`);
});
