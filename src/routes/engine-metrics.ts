/**
 * Merges Prometheus text from several engines (GET /engine_metrics, SMG §5.2): every
 * sample gets a worker_addr label, and samples are grouped under one HELP/TYPE per family.
 * As SMG (worker/metrics_aggregator.rs), every ':' of an engine's text becomes '_' before
 * parsing — metric names, label values and HELP text alike (sglang:foo → sglang_foo,
 * model_name="org:m" → "org_m") — while the worker_addr label, added afterwards, keeps the
 * engine's URL as it is.
 */
interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

const NAME_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?(\s+.*)$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function familyOf(name: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (families.has(base)) return base;
    }
  }
  return name;
}

export function mergeEngineMetrics(scrapes: ReadonlyArray<{ url: string; text: string }>): string {
  const families = new Map<string, Family>();
  const get = (n: string): Family => {
    let f = families.get(n);
    if (!f) families.set(n, (f = { samples: [] }));
    return f;
  };
  for (const { url, text } of scrapes) {
    const addr = `worker_addr="${escapeLabel(url)}"`;
    for (const rawLine of text.replaceAll(':', '_').split('\n')) {
      const line = rawLine.trim();
      if (line === '') continue;
      if (line.startsWith('#')) {
        const m = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
        if (!m) continue;
        const f = get(m[2] as string);
        if (m[1] === 'HELP') f.help ??= m[3] ?? '';
        else f.type ??= m[3] ?? '';
        continue;
      }
      const m = NAME_RE.exec(line);
      if (!m) continue;
      const name = m[1] as string;
      const labels = m[2] ? `{${addr},${m[2].slice(1)}` : `{${addr}}`;
      const fixed = labels.endsWith(',}') ? labels.slice(0, -2) + '}' : labels;
      get(familyOf(name, families)).samples.push(`${name}${fixed}${m[3] as string}`);
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (f.samples.length === 0) continue;
    if (f.help !== undefined) out.push(`# HELP ${name} ${f.help}`);
    if (f.type !== undefined) out.push(`# TYPE ${name} ${f.type}`);
    out.push(...f.samples);
  }
  return out.length ? out.join('\n') + '\n' : '';
}
