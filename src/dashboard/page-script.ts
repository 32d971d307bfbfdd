/**
 * The console's script (inlined in the page; its hash is in the page's CSP). Plain ES2017 for
 * any current browser, no library, no build step. Every URL is relative to the page's own
 * (`dashboard/api/…` from `…/dashboard`), so the page works behind a proxy at a sub-path.
 * Values reach the DOM through textContent only (worker URLs and names are not markup).
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var API = 'dashboard/api/';
  var HISTORY = 60;
  var DASH = '\u2013';
  var hist = { rps: [], hit: [], ttft: [] };
  var paused = false;
  var last = null;
  var announced = '';
  var retry = null;

  function $(id) { return document.getElementById(id); }
  function num(v) { return v === null || v === undefined ? DASH : String(v); }
  function rate(v) { return v === null || v === undefined ? DASH : v >= 100 ? v.toFixed(0) : v.toFixed(1); }
  function pct(v) { return v === null || v === undefined ? DASH : (v * 100).toFixed(1) + '%'; }
  function ms(v) { return v === null || v === undefined ? DASH : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ms'; }
  function ago(v) { return v === null || v === undefined ? DASH : (v / 1000).toFixed(1) + ' s ago'; }

  function setText(el, t) { if (el.textContent !== t) el.textContent = t; }
  function field(name, t) {
    var els = document.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < els.length; i++) setText(els[i], t);
  }
  function setConn(state, text) {
    var el = $('conn');
    el.setAttribute('data-state', state);
    setText(el, text);
  }

  var TONE = { ready: 'ok', closed: 'ok', Alive: 'ok', registering: 'info', pending: 'info',
    half_open: 'warn', draining: 'warn', not_ready: 'warn', Leaving: 'warn', open: 'bad',
    failed: 'bad', registration_failed: 'bad' };
  function badge(td, word) {
    var text = word === null || word === undefined ? DASH : String(word).replace(/_/g, ' ');
    var span = td.firstChild;
    if (!span || span.nodeName !== 'SPAN') {
      td.textContent = '';
      span = document.createElement('span');
      td.appendChild(span);
    }
    span.className = 'badge ' + (TONE[word] || 'info');
    setText(span, text);
  }
  function bar(td, v) {
    setText(td, '');
    if (v === null || v === undefined) { td.textContent = DASH; return; }
    td.appendChild(document.createTextNode(pct(v)));
    var outer = document.createElement('span');
    outer.className = 'bar';
    outer.setAttribute('aria-hidden', 'true');
    var inner = document.createElement('span');
    inner.style.width = Math.max(0, Math.min(100, v * 100)).toFixed(0) + '%';
    outer.appendChild(inner);
    td.appendChild(outer);
  }

  // cols: [name, header-is-row (first column), kind ('num' | 'url' | ''), setter(td, item)]
  function text(fn) { return function (td, it) { setText(td, fn(it)); }; }
  function syncRows(tbodyId, items, keyOf, cols, emptyId) {
    var tbody = $(tbodyId);
    var existing = {};
    var seen = {};
    var i;
    for (i = 0; i < tbody.rows.length; i++) existing[tbody.rows[i].getAttribute('data-key')] = tbody.rows[i];
    items.forEach(function (it, idx) {
      var key = keyOf(it);
      seen[key] = true;
      var tr = existing[key];
      if (!tr) {
        tr = document.createElement('tr');
        tr.setAttribute('data-key', key);
        cols.forEach(function (c, ci) {
          var cell = document.createElement(ci === 0 ? 'th' : 'td');
          if (ci === 0) cell.setAttribute('scope', 'row');
          cell.setAttribute('data-field', c[0]);
          if (c[1]) cell.className = c[1];
          tr.appendChild(cell);
        });
      }
      if (tbody.rows[idx] !== tr) tbody.insertBefore(tr, tbody.rows[idx] || null);
      cols.forEach(function (c, ci) { c[2](tr.cells[ci], it); });
    });
    Object.keys(existing).forEach(function (k) { if (!seen[k]) tbody.removeChild(existing[k]); });
    if (emptyId) {
      $(emptyId).hidden = items.length > 0;
      tbody.closest('.scroll').hidden = items.length === 0;
    }
  }

  function push(series, v) {
    series.push(v === undefined ? null : v);
    while (series.length > HISTORY) series.shift();
  }
  // the line spans the samples there are (up to HISTORY, one per second), newest on the right
  function spark(id, series, label, format) {
    var svg = $(id);
    var W = 120, H = 32;
    var vals = series.filter(function (v) { return v !== null; });
    var max = Math.max.apply(null, vals.concat([0])) || 1;
    var span = Math.max(1, series.length - 1);
    var d = '';
    var pen = 'M';
    series.forEach(function (v, i) {
      if (v === null) { pen = 'M'; return; }
      var x = series.length === 1 ? W : (i * W) / span;
      var y = H - 1 - (v / max) * (H - 2);
      d += pen + x.toFixed(1) + ' ' + y.toFixed(1) + ' ';
      pen = 'L';
    });
    var path = svg.querySelector('path.line');
    if (!path) {
      path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('class', 'line');
      svg.appendChild(path);
    }
    path.setAttribute('d', d.trim() || 'M0 ' + (H - 1));
    var now = vals.length ? vals[vals.length - 1] : null;
    svg.setAttribute('aria-label', label + ' over the last ' + series.length + ' s: now ' + format(now) +
      ', peak ' + format(vals.length ? max : null));
  }

  function renderOverview(s) {
    var t = s.totals, r = s.routing, f = s.fleet;
    field('totals.requests_per_s', rate(t.requests_per_s));
    field('totals.requests_total', num(t.requests_total));
    field('totals.errors_per_s', rate(t.errors_per_s));
    field('totals.errors_total', num(t.errors_total));
    field('totals.in_flight', num(t.in_flight));
    field('fleet.ready', num(f.counts.ready) + ' / ' + num(f.workers.length));
    field('fleet.open_circuits', num(f.open_circuits));
    field('routing.ttft_p50_ms', ms(r.ttft_p50_ms));
    field('routing.ttft_p99_ms', ms(r.ttft_p99_ms));
    field('routing.hit_ratio.reported', pct(r.hit_ratio.reported));
    field('routing.hit_ratio.predicted', pct(r.hit_ratio.predicted));
    field('routing.hit_ratio.precision', pct(r.hit_ratio.precision));
    field('routing.decisions.per_s', rate(r.decisions.per_s));
    spark('spark-rps', hist.rps, 'Requests per second', rate);
    spark('spark-hit', hist.hit, 'Engine-reported cache hit ratio', pct);
    spark('spark-ttft', hist.ttft, 'TTFT p50', ms);
    var i = s.instance;
    setText($('instance'), 'v' + i.version + ' \u00b7 policy ' + i.policy + ' \u00b7 ' +
      i.ingress_processes + ' ingress process' + (i.ingress_processes === 1 ? '' : 'es'));
    setText($('updated'), 'updated ' + new Date(s.generated_at).toLocaleTimeString() +
      (s.window_s === null ? '' : ' \u00b7 window ' + s.window_s.toFixed(0) + ' s'));
  }

  function renderFleet(s) {
    syncRows('fleet-rows', s.fleet.workers, function (w) { return w.id; }, [
      ['url', 'url', function (td, w) { setText(td, w.url); td.title = w.id; }],
      ['model', '', text(function (w) { return num(w.model); })],
      ['worker_type', '', text(function (w) { return w.worker_type; })],
      ['status', '', function (td, w) { badge(td, w.status); }],
      ['circuit', '', function (td, w) { badge(td, w.circuit); }],
      ['in_flight', 'num', text(function (w) { return num(w.in_flight); })],
      ['engine_load', 'num', text(function (w) { return num(w.engine_load); })],
      ['kv_usage', 'num', function (td, w) { bar(td, w.kv_usage); }],
      ['requests_per_s', 'num', text(function (w) { return rate(w.requests_per_s); })],
      ['requests_total', 'num', text(function (w) { return num(w.requests_total); })],
      ['failures_total', 'num', text(function (w) { return num(w.failures_total); })],
      ['error_rate', 'num', text(function (w) { return pct(w.error_rate); })]
    ], 'fleet-empty');
    var c = s.fleet.counts;
    var parts = [c.ready + ' of ' + s.fleet.workers.length + ' workers ready'];
    ['draining', 'not_ready', 'failed', 'pending', 'registering', 'registration_failed'].forEach(function (k) {
      if (c[k] > 0) parts.push(c[k] + ' ' + k.replace(/_/g, ' '));
    });
    if (s.fleet.open_circuits > 0) parts.push(s.fleet.open_circuits + ' circuit' + (s.fleet.open_circuits === 1 ? '' : 's') + ' open');
    var summary = parts.join(', ') + '.';
    setText($('fleet-summary'), summary);
    if (summary !== announced) { announced = summary; setText($('live'), summary); }
  }

  function rateRows(obj) {
    return Object.keys(obj).sort().map(function (k) { return { key: k, total: obj[k].total, per_s: obj[k].per_s }; });
  }
  var RATE_COLS = [
    ['name', '', text(function (x) { return x.key.replace(/_/g, ' '); })],
    ['per_s', 'num', text(function (x) { return rate(x.per_s); })],
    ['total', 'num', text(function (x) { return num(x.total); })]
  ];
  function key(x) { return x.key; }

  function renderRouting(s) {
    var r = s.routing;
    syncRows('reason-rows', rateRows(r.by_reason), key, RATE_COLS, 'reason-empty');
    syncRows('policy-rows', rateRows(r.by_policy), key, RATE_COLS, null);
    syncRows('model-rows', r.models, function (m) { return m.model; }, [
      ['model', '', text(function (m) { return m.model; })],
      ['requests_per_s', 'num', text(function (m) { return rate(m.requests.per_s); })],
      ['requests_total', 'num', text(function (m) { return num(m.requests.total); })],
      ['decisions_per_s', 'num', text(function (m) { return rate(m.decisions_per_s); })],
      ['hit_predicted', 'num', text(function (m) { return pct(m.hit_ratio.predicted); })],
      ['hit_reported', 'num', text(function (m) { return pct(m.hit_ratio.reported); })],
      ['precision', 'num', text(function (m) { return pct(m.hit_ratio.precision); })],
      ['ttft_p50_ms', 'num', text(function (m) { return ms(m.ttft_p50_ms); })],
      ['ttft_p99_ms', 'num', text(function (m) { return ms(m.ttft_p99_ms); })]
    ], 'model-empty');
  }

  function renderCluster(s) {
    var c = s.cluster;
    $('cluster-off').hidden = c !== null;
    $('cluster-on').hidden = c === null;
    if (c === null) return;
    var g = c.global_limit;
    setText($('cluster-summary'), 'This node: ' + c.node + ' \u00b7 Redis ' +
      (c.redis_connected ? 'connected' : 'unreachable (degraded)') + ' \u00b7 global limit ' +
      (g.limit_per_second === null ? 'unlimited' : g.limit_per_second + '/s') + ', ' +
      g.current_count + ' admitted this second' +
      (g.utilization === null ? '' : ' (' + pct(g.utilization) + ')'));
    syncRows('node-rows', c.nodes, function (n) { return n.name; }, [
      ['name', '', text(function (n) { return n.name + (n.self ? ' (this node)' : ''); })],
      ['address', '', text(function (n) { return n.address; })],
      ['status', '', function (td, n) { badge(td, n.status); }],
      ['version', '', text(function (n) { return n.version; })],
      ['heartbeat', 'num', text(function (n) { return ago(n.heartbeat_age_ms); })]
    ], null);
  }

  function renderPlugins(s) {
    var p = s.plugins;
    $('plugins-off').hidden = p !== null;
    $('plugins-on').hidden = p === null;
    if (p === null) return;
    syncRows('plugin-rows', p.modules, function (m) { return m.uuid; }, [
      ['name', '', text(function (m) { return m.name; })],
      ['uuid', '', text(function (m) { return m.uuid; })],
      ['attach_points', '', text(function (m) { return m.attach_points.join(', '); })],
      ['executions_total', 'num', text(function (m) { return num(m.executions_total); })],
      ['failed_total', 'num', text(function (m) { return num(m.failed_total); })],
      ['timeout_total', 'num', text(function (m) { return num(m.timeout_total); })],
      ['executions_per_s', 'num', text(function (m) { return rate(m.executions_per_s); })]
    ], 'plugin-empty');
  }

  function renderTokenizers(s) {
    syncRows('tokenizer-rows', s.tokenizers, function (t) { return t.id; }, [
      ['name', '', text(function (t) { return t.name; })],
      ['id', '', text(function (t) { return t.id; })],
      ['source', 'url', text(function (t) { return t.source; })],
      ['vocab_size', 'num', text(function (t) { return num(t.vocab_size); })]
    ], 'tokenizer-empty');
  }

  function render(s) {
    renderOverview(s);
    renderFleet(s);
    renderRouting(s);
    renderCluster(s);
    renderPlugins(s);
    renderTokenizers(s);
    document.body.setAttribute('data-generated-at', s.generated_at);
  }

  function onSnapshot(e) {
    var s = JSON.parse(e.data);
    last = s;
    push(hist.rps, s.totals.requests_per_s);
    push(hist.hit, s.routing.hit_ratio.reported);
    push(hist.ttft, s.routing.ttft_p50_ms);
    setConn('live', 'Live');
    if (!paused) render(s);
  }

  function diagnose() {
    fetch(API + 'snapshot', { cache: 'no-store', credentials: 'same-origin' }).then(function (r) {
      if (r.status === 401 || r.status === 403) {
        setConn('error', 'Not authorised (HTTP ' + r.status + '): the console needs a control-plane admin key');
      } else {
        setConn('error', 'Disconnected (HTTP ' + r.status + '); retrying');
      }
    }, function () { setConn('error', 'Gateway unreachable; retrying'); });
  }

  function connect() {
    retry = null;
    setConn('connecting', 'Connecting\u2026');
    var es = new EventSource(API + 'events');
    es.addEventListener('snapshot', onSnapshot);
    es.addEventListener('unavailable', function () { setConn('error', 'Snapshot unavailable; retrying'); });
    es.addEventListener('error', function () {
      if (es.readyState !== 2) { setConn('connecting', 'Reconnecting\u2026'); return; }
      es.close();
      diagnose();
      if (retry === null) retry = setTimeout(connect, 5000);
    });
  }

  $('pause').addEventListener('click', function () {
    paused = !paused;
    this.setAttribute('aria-pressed', String(paused));
    this.textContent = paused ? 'Resume updates' : 'Pause updates';
    if (!paused && last) render(last);
  });
  connect();
})();
`;
