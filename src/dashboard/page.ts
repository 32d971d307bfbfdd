import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script';
import { PAGE_STYLE } from './page-style';

/** A table inside a keyboard-scrollable region, with its empty-state note. */
function table(
  id: string,
  caption: string,
  heads: ReadonlyArray<readonly [string, boolean]>,
  empty?: string,
): string {
  const th = heads
    .map(([h, num]) => `<th scope="col"${num ? ' class="num"' : ''}>${h}</th>`)
    .join('');
  const note = empty === undefined ? '' : `<p id="${id}-empty" class="note" hidden>${empty}</p>`;
  return (
    `<div class="scroll" role="region" aria-label="${caption}" tabindex="0">` +
    `<table><caption>${caption}</caption><thead><tr>${th}</tr></thead>` +
    `<tbody id="${id}-rows"></tbody></table></div>${note}`
  );
}

function card(label: string, fieldName: string, sub: string, sparkId?: string): string {
  const spark =
    sparkId === undefined
      ? ''
      : `<svg id="${sparkId}" class="spark" viewBox="0 0 120 32" preserveAspectRatio="none" role="img" aria-label="${label}: no data yet"></svg>`;
  return (
    `<div class="card"><span class="label">${label}</span>` +
    `<span class="value" data-field="${fieldName}">\u2013</span>` +
    `<span class="sub">${sub}</span>${spark}</div>`
  );
}

const f = (name: string): string => `<span data-field="${name}">\u2013</span>`;

const BODY = `<a class="skip" href="#fleet">Skip to the fleet</a>
<header>
<h1>collie <span>operator console</span></h1>
<div class="meta">
<span id="conn" class="conn" role="status" data-state="connecting">Connecting\u2026</span>
<span id="instance"></span><span id="updated"></span>
<button id="pause" type="button" aria-pressed="false">Pause updates</button>
</div>
</header>
<p id="live" class="sr-only" aria-live="polite" aria-atomic="true"></p>
<main>
<section aria-labelledby="h-overview">
<h2 id="h-overview">Overview</h2>
<div class="cards">
${card('Requests/s', 'totals.requests_per_s', `${f('totals.requests_total')} routed in total`, 'spark-rps')}
${card('Errors/s', 'totals.errors_per_s', `${f('totals.errors_total')} errors in total`)}
${card('In flight', 'totals.in_flight', 'requests at the engines now')}
${card('Workers ready', 'fleet.ready', `open circuits: ${f('fleet.open_circuits')}`)}
${card('TTFT p50 (last minute)', 'routing.ttft_p50_ms', `p99 ${f('routing.ttft_p99_ms')}`, 'spark-ttft')}
${card('Cache hit ratio (engine-reported)', 'routing.hit_ratio.reported', `predicted ${f('routing.hit_ratio.predicted')} \u00b7 precision ${f('routing.hit_ratio.precision')}`, 'spark-hit')}
${card('Routing decisions/s', 'routing.decisions.per_s', 'worker selections')}
</div>
</section>
<section id="fleet" aria-labelledby="h-fleet" tabindex="-1">
<h2 id="h-fleet">Fleet</h2>
<p id="fleet-summary" class="note"></p>
${table(
  'fleet',
  'Workers: health, circuit, load and traffic',
  [
    ['Worker', false],
    ['Model', false],
    ['Type', false],
    ['Status', false],
    ['Circuit', false],
    ['In flight', true],
    ['Engine load', true],
    ['KV usage', true],
    ['Req/s', true],
    ['Requests', true],
    ['Failures', true],
    ['Error rate (1 min)', true],
  ],
  'No workers registered.',
)}
</section>
<section aria-labelledby="h-routing">
<h2 id="h-routing">Routing</h2>
<div class="grid2">
<div><h3>Decisions by reason</h3>${table(
  'reason',
  'cache_aware decisions by reason',
  [
    ['Reason', false],
    ['Per second', true],
    ['Total', true],
  ],
  'No cache_aware decisions (another policy, or no traffic yet).',
)}</div>
<div><h3>Selections by policy</h3>${table('policy', 'Worker selections by policy', [
  ['Policy', false],
  ['Per second', true],
  ['Total', true],
])}</div>
</div>
<h3>Per model</h3>
${table(
  'model',
  'Traffic, cache hit ratio and TTFT per model (ratios and TTFT over the last minute)',
  [
    ['Model', false],
    ['Req/s', true],
    ['Requests', true],
    ['Decisions/s', true],
    ['Hit ratio predicted', true],
    ['Hit ratio reported', true],
    ['Precision', true],
    ['TTFT p50', true],
    ['TTFT p99', true],
  ],
  'No traffic yet.',
)}
<p class="note">Hit ratios: cached prompt tokens / prompt tokens of the answers in the last minute. The prediction counts the prefix index's blocks, which are 4-byte pieces of text until a tokenizer is registered for the model, so it can exceed 100%; precision = tokens both predicted and reported / predicted.</p>
</section>
<section aria-labelledby="h-cluster">
<h2 id="h-cluster">Cluster</h2>
<p id="cluster-off" class="note">One instance: start collie with <code>--redis-url</code> to share state between instances and see them here.</p>
<div id="cluster-on" hidden>
<p id="cluster-summary" class="note"></p>
${table('node', 'Instances of the cluster', [
  ['Node', false],
  ['Address', false],
  ['Status', false],
  ['Version', false],
  ['Last heartbeat', true],
])}
</div>
</section>
<section aria-labelledby="h-plugins">
<h2 id="h-plugins">Plugins</h2>
<p id="plugins-off" class="note">WASM middleware is off (<code>--enable-wasm</code>).</p>
<div id="plugins-on" hidden>
${table(
  'plugin',
  'WASM modules',
  [
    ['Module', false],
    ['UUID', false],
    ['Attach points', false],
    ['Executions', true],
    ['Failed', true],
    ['Timeouts', true],
    ['Exec/s', true],
  ],
  'No WASM module registered.',
)}
</div>
</section>
<section aria-labelledby="h-tokenizers">
<h2 id="h-tokenizers">Tokenizers</h2>
${table(
  'tokenizer',
  'Registered tokenizers',
  [
    ['Name', false],
    ['ID', false],
    ['Source', false],
    ['Vocabulary', true],
  ],
  'No tokenizer registered.',
)}
</section>
</main>
<footer>Scripts: <code>GET dashboard/api/snapshot</code> (JSON) and <code>GET dashboard/api/events</code> (Server-Sent Events), with a control-plane admin key.</footer>`;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64');

function build(): { headers: ReadonlyArray<readonly [string, string]>; body: Buffer } {
  const html =
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<title>collie \u00b7 operator console</title>\n' +
    // no favicon request (the gateway has none to give)
    '<link rel="icon" href="data:,">\n' +
    `<style>${PAGE_STYLE}</style>\n</head>\n<body>\n${BODY}\n<script>${PAGE_SCRIPT}</script>\n</body>\n</html>\n`;
  // only this page's own script and style run; it talks to its own origin only
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(PAGE_SCRIPT)}'`,
    `style-src 'sha256-${sha256(PAGE_STYLE)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    headers: [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'no-store'],
      ['content-security-policy', csp],
      ['x-content-type-options', 'nosniff'],
      ['referrer-policy', 'no-referrer'],
    ],
    body: Buffer.from(html),
  };
}

/** The page, built once: HTML with inline CSS and JS, no external resource. */
export const DASHBOARD_PAGE = build();
