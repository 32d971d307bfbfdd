import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsForProcess } from '../../../src/metrics';
import { createDashboardSource, MIN_INTERVAL_MS } from '../../../src/dashboard/source';
import { createSnapshotHub, MAX_STALLED_TICKS } from '../../../src/dashboard/hub';
import { createWorkerRegistry } from '../../../src/core/registry';
import { createMemoryHub } from '../../../src/state/memory-bus';
import { createJobTable } from '../../../src/control/jobs';
import type { LoadPoller, PolledLoad } from '../../../src/control/load-monitor';
import type { HeaderList, ResponseSink } from '../../../src/server/types';
import type { Snapshot } from '../../../src/dashboard/types';
import { eventually } from '../../helpers/gateway';

const KEY = { model: 'llama', endpoint: 'chat' } as const;

function fakeLoads(): LoadPoller & { refreshes: number } {
  const latest = new Map<string, PolledLoad>([['x', { load: 1, at: 0 }]]);
  const p = {
    refreshes: 0,
    poll: () => Promise.resolve(latest),
    latest: () => latest,
    refresh: () => {
      p.refreshes++;
      return Promise.resolve();
    },
  };
  return p;
}

function setup() {
  const pm = createMetricsForProcess('single');
  let reads = 0;
  let clock = 1_000_000;
  const loads = fakeLoads();
  const source = createDashboardSource({
    metricsJson: () => {
      reads++;
      return pm.collectJson();
    },
    registry: createWorkerRegistry(createMemoryHub().join('p')),
    jobs: createJobTable(),
    loads,
    tokenizers: () => [],
    instance: { version: '0', policy: 'round_robin', ingress_processes: 1 },
    now: () => clock,
  });
  const series = pm.metrics.routeSeries(KEY, 'round_robin');
  return {
    source,
    loads,
    requests: (n: number) => {
      for (let i = 0; i < n; i++) series.request(false);
    },
    reads: () => reads,
    advance: (ms: number) => (clock += ms),
    snap: async () => JSON.parse(await source.snapshot()) as Snapshot,
  };
}

test('the source reads the metrics only when asked, once per tick whoever asks', async () => {
  const s = setup();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.reads(), 0, 'nothing is read before someone asks');
  const [a, b] = await Promise.all([s.snap(), s.snap()]);
  assert.deepEqual(a, b);
  assert.equal(s.reads(), 1, 'concurrent callers share one build');
  s.advance(MIN_INTERVAL_MS - 1);
  await s.snap();
  assert.equal(s.reads(), 1, 'a snapshot younger than a tick is reused');
  assert.equal(s.loads.refreshes, 1);
});

test('rates come from the previous snapshot; a minute without one starts over', async () => {
  const s = setup();
  s.requests(3);
  const first = await s.snap();
  assert.equal(first.totals.requests_per_s, null);
  s.requests(10);
  s.advance(2000);
  const second = await s.snap();
  assert.equal(second.interval_s, 2);
  assert.equal(second.totals.requests_per_s, 5);
  s.requests(1);
  s.advance(1000);
  const third = await s.snap();
  assert.deepEqual([third.interval_s, third.window_s, third.totals.requests_per_s], [1, 3, 1]);
  s.advance(120_000);
  const late = await s.snap();
  assert.deepEqual([late.interval_s, late.window_s, late.totals.requests_total], [null, null, 14]);
});

/** A ResponseSink that records what it is sent; `writable` false makes it a slow client. */
class FakeSink implements ResponseSink {
  aborted = false;
  headersSent = false;
  ended = false;
  status = 0;
  writable = true;
  readonly chunks: string[] = [];
  private abortCb: (() => void) | undefined;
  private drained: (() => void) | undefined;
  onAbort(cb: () => void): void {
    if (this.aborted) cb();
    else this.abortCb = cb;
  }
  send(status: number, _h: HeaderList, body: string | Uint8Array): void {
    this.status = status;
    this.chunks.push(String(body));
    this.ended = true;
  }
  writeHead(status: number): void {
    this.status = status;
    this.headersSent = true;
  }
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(String(chunk));
    return this.writable;
  }
  waitDrain(): Promise<void> {
    return new Promise((r) => (this.drained = r));
  }
  end(): void {
    this.ended = true;
  }
  drain(): void {
    this.writable = true;
    this.drained?.();
  }
  abort(): void {
    this.aborted = true;
    this.abortCb?.();
  }
  get snapshots(): number {
    return this.chunks.filter((c) => c.startsWith('event: snapshot')).length;
  }
}

const quiet = { debug: () => undefined };

test('the hub ticks only while someone watches, and fans one snapshot out to every watcher', async () => {
  let fetches = 0;
  const hub = createSnapshotHub({
    fetch: () => Promise.resolve(`{"n":${++fetches}}`),
    logger: quiet,
    tickMs: 5,
  });
  assert.equal(hub.ticking, false);
  const sinks = Array.from({ length: 10 }, () => new FakeSink());
  const done = sinks.map((s) => hub.watch(s));
  assert.equal(hub.ticking, true);
  await eventually(() => sinks.every((s) => s.snapshots >= 3));
  assert.ok(fetches <= Math.min(...sinks.map((s) => s.snapshots)) + 1, `${fetches} fetches`);
  assert.ok(sinks.every((s) => s.status === 200 && s.chunks[0] === 'retry: 2000\n\n'));
  for (const s of sinks) s.abort();
  await Promise.all(done);
  assert.deepEqual([hub.watchers, hub.ticking], [0, false]);
  const after = fetches;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(fetches, after, 'no fetch once nobody watches');
  const gone = new FakeSink();
  gone.aborted = true; // the client left before its handler ran
  await hub.watch(gone);
  assert.deepEqual([hub.watchers, hub.ticking, gone.headersSent], [0, false, false]);
});

test('a watcher that stops reading is skipped, then cut off', async () => {
  const hub = createSnapshotHub({ fetch: () => Promise.resolve('{}'), logger: quiet, tickMs: 1 });
  const slow = new FakeSink();
  const fast = new FakeSink();
  const slowDone = hub.watch(slow);
  void hub.watch(fast);
  await eventually(() => slow.snapshots >= 1);
  slow.writable = false;
  const seen = slow.snapshots;
  await eventually(() => slow.snapshots > seen); // the write that backs up
  const stalledAt = slow.snapshots;
  await eventually(() => fast.snapshots > stalledAt + 3);
  assert.equal(slow.snapshots, stalledAt, 'nothing more while backed up');
  slow.drain();
  await eventually(() => slow.snapshots > stalledAt);
  slow.writable = false;
  await slowDone; // cut off after MAX_STALLED_TICKS
  assert.ok(slow.ended && MAX_STALLED_TICKS > 0);
  assert.equal(hub.watchers, 1);
  hub.close();
  assert.ok(fast.ended);
  const late = new FakeSink();
  await hub.watch(late);
  assert.equal(late.status, 503);
});
