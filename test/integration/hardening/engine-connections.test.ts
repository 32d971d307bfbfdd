import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeAll,
  eventually,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../../helpers/gateway';
import type { MockEngine } from '../../../src/mock-engine';

describe('--engine-max-connections: requests waiting for a connection are counted and exposed', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway([
      ...['--worker-urls', engines[0]!.url, '--policy', 'round_robin'],
      ...['--engine-max-connections', '1'],
    ]);
  });
  after(() => closeAll(gw, engines));

  test('three concurrent requests on one connection: two wait, all three are load', async () => {
    const url = engines[0]!.url;
    engines[0]!.setFault({ hang: true });
    const clients = Array.from({ length: 3 }, () => new AbortController());
    const pending = clients.map((c) =>
      fetch(`${gw.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"model":"mock-model","prompt":"hi","max_tokens":2}',
        signal: c.signal,
      }).catch(() => undefined),
    );
    const waitingMetric = async (): Promise<number> => {
      const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      const m = /^collie_worker_connection_waiting_requests\{worker="([^"]+)"\} (\d+)$/m.exec(text);
      return m?.[1] === url ? Number(m[2]) : -1;
    };
    await eventually(async () => (await waitingMetric()) === 2, 10_000);
    assert.equal(gw.inflight(url), 3, 'the load tracker counts the waiting requests');
    const loads = (await (await fetch(`${gw.url}/get_loads`)).json()) as {
      workers: Array<{ worker: string; details?: { waiting_for_connection?: number } }>;
    };
    // ≥: a health probe may be queued behind the held connection too
    assert.ok((loads.workers[0]?.details?.waiting_for_connection ?? 0) >= 2);
    for (const c of clients) c.abort();
    await Promise.all(pending);
    engines[0]!.setFault({ hang: false });
    await eventually(async () => (await waitingMetric()) === 0, 10_000);
  });
});
