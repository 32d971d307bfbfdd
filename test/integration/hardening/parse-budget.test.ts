import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../../helpers/gateway';
import type { MockEngine } from '../../../src/mock-engine';

/** A valid completions body of about `bytes` bytes. */
const bigBody = (bytes: number): string =>
  JSON.stringify({ model: 'mock-model', prompt: 'x'.repeat(bytes), max_tokens: 1 });

describe('--json-parse-budget-bytes', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway([
      ...['--worker-urls', engines[0]!.url, '--policy', 'round_robin'],
      ...['--json-parse-budget-bytes', String(2 * 1024 * 1024)],
    ]);
  });
  after(() => closeAll(gw, engines));

  test('a second large body while one holds the budget gets 503 + Retry-After; small bodies pass', async () => {
    engines[0]!.setFault({ hang: true });
    const first = new AbortController();
    const held = fetch(`${gw.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bigBody(1_500_000),
      signal: first.signal,
    }).catch(() => undefined);
    // the first large body is with the (hanging) engine once the gateway counts it in flight
    await eventually(() => gw.inflight(engines[0]!.url) >= 1, 10_000);
    const refused = await postJson(`${gw.url}/v1/completions`, bigBody(1_500_000));
    const text = await refused.text();
    assert.equal(refused.status, 503, text);
    assert.equal(refused.headers.get('retry-after'), '1');
    engines[0]!.setFault({ hang: false });
    const small = await postJson(`${gw.url}/v1/completions`, bigBody(1000));
    await small.text();
    assert.equal(small.status, 200);
    first.abort();
    await held;
  });
});
