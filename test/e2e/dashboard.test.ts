import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startEngines, closeAll } from '../helpers/gateway';
import { freePort, startCliGateway, type Proc } from '../helpers/processes';
import { startSubPathProxy, type SubPathProxy } from '../helpers/sub-path-proxy';
import {
  CHROMIUM,
  HAVE_CHROMIUM,
  readPage,
  startTraffic,
  until,
  type PageState,
} from '../helpers/dashboard-page';
import { seriesOf } from '../unit/metrics/exposition';
import type { MockEngine } from '../../src/mock-engine';
import type { Snapshot } from '../../src/dashboard/types';

const ADMIN = 'Bearer s3cret-admin';
const VIEWER = 'Bearer s3cret-viewer';
// The README's screenshot: refreshed by `COLLIE_UPDATE_SCREENSHOT=1 npm test` (or when missing);
// other runs write theirs to the temp dir so a test run leaves the tree clean
const DOCS_SCREENSHOT = path.resolve(__dirname, '..', '..', '..', 'docs', 'dashboard.png');
const SCREENSHOT =
  process.env['COLLIE_UPDATE_SCREENSHOT'] === '1' || !fs.existsSync(DOCS_SCREENSHOT)
    ? DOCS_SCREENSHOT
    : path.join(os.tmpdir(), `collie-dashboard-${process.pid}.png`);
// CI installs chromium (.ci/run): there the test runs or fails, never skips
const skip = !HAVE_CHROMIUM && process.env['CI'] !== 'true' ? `no ${CHROMIUM}` : false;

describe(
  'operator console: a real gateway (2 ingress processes) behind a proxy at /ops, in Chromium',
  { skip },
  () => {
    let engines: MockEngine[];
    let gateway: { proc: Proc; url: string };
    let metricsUrl: string;
    let proxy: SubPathProxy;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const consoleErrors: string[] = [];
    const ops = (p: string): string => `${proxy.url}/ops${p}`;

    async function api(): Promise<Snapshot> {
      const r = await fetch(ops('/dashboard/api/snapshot'), { headers: { authorization: ADMIN } });
      assert.equal(r.status, 200);
      return (await r.json()) as Snapshot;
    }
    const shown = (): Promise<PageState> => readPage(page);
    const row = (s: PageState, id: string) => s.rows.find((r) => r['id'] === id);

    before(async () => {
      assert.ok(HAVE_CHROMIUM, `${CHROMIUM} is missing: apt-get install -y chromium`);
      engines = await startEngines(3, { tokens: 4, tokenDelayMs: 1 });
      const metricsPort = await freePort();
      metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      gateway = await startCliGateway(
        [
          ...['--workers', '2', '--policy', 'cache_aware'],
          ...['--worker-urls', ...engines.map((e) => e.url)],
          ...[
            '--control-plane-api-keys',
            'ops:Ops:admin:s3cret-admin',
            'ro:Viewer:user:s3cret-viewer',
          ],
          ...['--cb-failure-threshold', '3', '--drain-settle-secs', '3'],
          ...['--shutdown-grace-period-secs', '1'],
        ],
        { metricsPort },
      );
      proxy = await startSubPathProxy(gateway.url, '/ops');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      // a browser sends no Bearer token by itself: the operator's proxy or extension adds it
      context = await browser.newContext({
        extraHTTPHeaders: { authorization: ADMIN },
        viewport: { width: 1440, height: 900 },
      });
      page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    });

    after(async () => {
      await browser?.close();
      await proxy?.close();
      await gateway?.proc.stop();
      await closeAll(engines ?? []);
    });

    test('control-plane auth: no key 401, a non-admin key 403, on the page and both APIs', async () => {
      for (const p of ['/dashboard', '/dashboard/api/snapshot', '/dashboard/api/events']) {
        const none = await fetch(ops(p));
        assert.equal(none.status, 401, p);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
        const viewer = await fetch(ops(p), { headers: { authorization: VIEWER } });
        assert.equal(viewer.status, 403, p);
        await Promise.all([none.text(), viewer.text()]);
      }
      const anonymous = await browser.newContext();
      const r = await (await anonymous.newPage()).goto(ops('/dashboard'));
      assert.equal(r?.status(), 401);
      await anonymous.close();
    });

    test('the page loads at the sub-path (trailing slash too) and goes live', async () => {
      const r = await page.goto(ops('/dashboard/'));
      assert.equal(r?.status(), 200);
      assert.equal(page.url(), ops('/dashboard'), 'the slash is redirected away, relatively');
      assert.match(r?.headers()['content-security-policy'] ?? '', /default-src 'none'/);
      const s = await until(
        'live with 3 workers',
        shown,
        (x) => x.conn === 'live' && x.rows.length === 3,
      );
      assert.match(s.instance, /policy cache_aware · 2 ingress processes/);
      assert.deepEqual(s.rows.map((x) => x['status']).sort(), ['ready', 'ready', 'ready']);
      assert.equal(await page.locator('h1').textContent(), 'collie operator console');
      assert.equal(await page.locator('#fleet-rows th[scope="row"]').count(), 3);
    });

    test('keyboard: skip link, pause button, focusable table regions', async () => {
      const active = (): Promise<string> =>
        page.evaluate<string>(
          `(() => { const a = document.activeElement; return [a.tagName, a.id, a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40), a.getAttribute('aria-pressed')].join('|'); })()`,
        );
      await page.evaluate('document.activeElement && document.activeElement.blur()');
      await page.keyboard.press('Tab');
      assert.equal(await active(), 'A||Skip to the fleet|');
      await page.keyboard.press('Tab');
      assert.equal(await active(), 'BUTTON|pause|Pause updates|false');
      await page.keyboard.press('Space');
      assert.equal(await active(), 'BUTTON|pause|Resume updates|true');
      await page.keyboard.press('Space');
      assert.equal(await active(), 'BUTTON|pause|Pause updates|false');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      assert.match(await active(), /^SECTION\|fleet\|/);
      await page.keyboard.press('Tab');
      assert.equal(await active(), 'DIV||Workers: health, circuit, load and traffic|');
    });

    test('traffic shows up live: requests/s, routing decisions, TTFT, cache hits', async () => {
      const before = Number((await shown()).fields['totals.requests_total']);
      const traffic = startTraffic(gateway.url, 4);
      try {
        const s = await until(
          'live numbers',
          shown,
          (x) =>
            Number(x.fields['totals.requests_total']) > before + 20 &&
            Number(x.fields['totals.requests_per_s']) > 0 &&
            Number(x.fields['routing.decisions.per_s']) > 0 &&
            /ms$/.test(x.fields['routing.ttft_p50_ms'] ?? '') &&
            /%$/.test(x.fields['routing.hit_ratio.reported'] ?? ''),
          10_000,
        );
        assert.ok(s.rows.some((x) => Number(x['requests_total']) > 0));
      } finally {
        await traffic.stop();
      }
    });

    test('once traffic stops, the page shows what the snapshot API and /metrics say', async () => {
      await until(
        'page = API = /metrics',
        async () => {
          const [s, snap, metrics] = await Promise.all([
            shown(),
            api(),
            fetch(metricsUrl).then((r) => r.text()),
          ]);
          return { s, snap, metrics };
        },
        ({ s, snap, metrics }) => {
          const routed = seriesOf(metrics, 'smg_router_requests_total').reduce(
            (n, x) => n + x.value,
            0,
          );
          if (String(snap.totals.requests_total) !== s.fields['totals.requests_total'])
            return false;
          if (snap.totals.requests_total !== routed) return false;
          return snap.fleet.workers.every((w) => {
            const r = row(s, w.id);
            const outcomes = seriesOf(metrics, 'smg_worker_cb_outcomes_total')
              .filter((x) => x.labels['worker'] === w.url)
              .reduce((n, x) => n + x.value, 0);
            const active = seriesOf(metrics, 'smg_worker_requests_active').find(
              (x) => x.labels['worker'] === w.url,
            );
            return (
              r !== undefined &&
              r['requests_total'] === String(w.requests_total) &&
              r['failures_total'] === String(w.failures_total) &&
              r['in_flight'] === String(w.in_flight) &&
              r['status'] === w.status &&
              r['model'] === w.model &&
              w.requests_total === outcomes &&
              w.in_flight === (active?.value ?? 0)
            );
          });
        },
      );
    });

    test('a failing engine: failures, error rate and an open circuit appear live', async () => {
      const snap = await api();
      const busiest = [...snap.fleet.workers].sort(
        (a, b) => b.requests_total - a.requests_total,
      )[0];
      assert.ok(busiest);
      const engine = engines.find((e) => e.url === busiest.url);
      engine?.setFault({ status: 500 });
      const traffic = startTraffic(gateway.url, 4);
      try {
        const s = await until(
          'open circuit',
          shown,
          (x) => {
            const r = row(x, busiest.id);
            return (
              r?.['circuit'] === 'open' &&
              Number(r['failures_total']) >= 3 &&
              r['error_rate'] !== '0.0%'
            );
          },
          10_000,
        );
        assert.match(s.summary, /1 circuit open/);
        assert.match(s.live, /1 circuit open/, 'announced to screen readers');
      } finally {
        await traffic.stop();
        engine?.setFault({ status: null });
      }
    });

    test('a removed worker is shown draining, then leaves the page', async () => {
      const snap = await api();
      const victim = snap.fleet.workers.find((w) => w.circuit === 'closed');
      assert.ok(victim);
      const del = await fetch(ops(`/workers/${victim.id}`), {
        method: 'DELETE',
        headers: { authorization: ADMIN },
      });
      assert.equal(del.status, 202);
      await until('draining', shown, (x) => row(x, victim.id)?.['status'] === 'draining');
      await page.evaluate('document.activeElement && document.activeElement.blur()');
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const s = await until('removed', shown, (x) => x.rows.length === 2 && !row(x, victim.id));
      assert.match(s.live, /^2 of 2 workers ready/);
      const after = await api();
      assert.equal(after.fleet.workers.length, 2);
    });

    test('no console errors on the way', () => {
      assert.deepEqual(consoleErrors, []);
    });
  },
);
