/**
 * The console's stylesheet (inlined in the page; its hash is in the page's CSP). Light theme,
 * text contrast ≥ 7:1, badges carry words as well as colours, visible keyboard focus.
 */
export const PAGE_STYLE = String.raw`
:root { --fg: #1b1b1f; --muted: #4a4a55; --bg: #ffffff; --panel: #f5f6f8; --line: #d4d7dd;
  --accent: #1b57b3; --ok-fg: #0b5d28; --ok-bg: #e2f3e7; --bad-fg: #9b1419; --bad-bg: #fbe6e6;
  --warn-fg: #6b4200; --warn-bg: #fff0cc; --info-fg: #174a8c; --info-bg: #e3edfb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between;
  gap: .5rem 1.5rem; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 1.3rem; }
h1 span { font-weight: 400; color: var(--muted); }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.meta { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; color: var(--muted); }
button { font: inherit; padding: .25rem .75rem; border: 1px solid var(--muted); border-radius: 4px;
  background: var(--bg); color: var(--fg); cursor: pointer; }
button[aria-pressed="true"] { background: var(--warn-bg); }
main { padding: 1rem 1.5rem 2rem; max-width: 1500px; }
section { margin-bottom: 1.75rem; }
.note { color: var(--muted); margin: .25rem 0 .5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: .75rem; }
.card { margin: 0; padding: .6rem .8rem; background: var(--panel); border: 1px solid var(--line);
  border-radius: 6px; }
.card .label { display: block; font-size: .85rem; color: var(--muted); }
.card .value { display: block; font-size: 1.5rem; font-weight: 600;
  font-variant-numeric: tabular-nums; }
.card .sub { font-size: .85rem; color: var(--muted); }
.spark { display: block; width: 100%; height: 36px; margin-top: .25rem; }
.spark path.line { fill: none; stroke: var(--accent); stroke-width: 2;
  vector-effect: non-scaling-stroke; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; padding: .4rem .6rem; color: var(--muted); }
th, td { padding: .35rem .6rem; border-top: 1px solid var(--line); text-align: left;
  white-space: nowrap; }
thead th { background: var(--panel); font-weight: 600; border-top: 0; }
td.num, th.num { text-align: right; }
td.url { max-width: 22rem; overflow: hidden; text-overflow: ellipsis; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .85rem;
  font-weight: 600; }
.ok { color: var(--ok-fg); background: var(--ok-bg); }
.bad { color: var(--bad-fg); background: var(--bad-bg); }
.warn { color: var(--warn-fg); background: var(--warn-bg); }
.info { color: var(--info-fg); background: var(--info-bg); }
.bar { display: inline-block; vertical-align: middle; width: 4rem; height: .55rem;
  margin-left: .4rem; background: var(--line); border-radius: 3px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--accent); }
.conn[data-state="live"] { color: var(--ok-fg); }
.conn[data-state="error"] { color: var(--bad-fg); font-weight: 600; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
footer { padding: 0 1.5rem 1.5rem; color: var(--muted); font-size: .9rem; }
`;
