/** A minimal parser of Prometheus text exposition, for assertions in tests. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(body: string): Sample[] {
  const out: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = l[2] ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The value of the series `name{labels}` (labels matched exactly), or undefined. */
export function sampleValue(
  body: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  return parseExposition(body).find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
}

/** Every series of the family `name` (histograms: pass the `_count`/`_bucket` name). */
export function seriesOf(body: string, name: string): Sample[] {
  return parseExposition(body).filter((s) => s.name === name);
}

/** The families that have HELP lines, in order. */
export function familyNames(body: string): string[] {
  return body
    .split('\n')
    .filter((l) => l.startsWith('# HELP '))
    .map((l) => l.split(' ')[2] ?? '');
}
