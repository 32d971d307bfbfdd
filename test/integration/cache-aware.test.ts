import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';

const SYSTEM = 'You are a meticulous assistant for a logistics company. '.repeat(20);

function chat(user: string) {
  return {
    model: 'mock-model',
    max_tokens: 2,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: user },
    ],
  };
}

describe('cache_aware routing through the gateway', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(4);
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
    ]);
  });
  after(() => closeAll(gw, engines));

  test('a conversation keeps returning to the engine that holds its prefix; headers explain why', async () => {
    const first = await postJson(`${gw.url}/v1/chat/completions`, chat('Where is order 17?'));
    assert.equal(first.status, 200);
    const worker = first.headers.get('x-collie-worker');
    assert.ok(worker);
    assert.equal(first.headers.get('x-collie-route-reason'), 'miss');
    await first.text();
    for (let i = 0; i < 5; i++) {
      const r = await postJson(
        `${gw.url}/v1/chat/completions`,
        chat(`Where is order 17? Follow-up ${i}`),
      );
      assert.equal(r.headers.get('x-collie-worker'), worker);
      assert.equal(r.headers.get('x-collie-route-reason'), 'hit');
      const [matched, total] = (r.headers.get('x-collie-prefix-match') ?? '0/0')
        .split('/')
        .map(Number);
      assert.ok((matched ?? 0) > 0 && (matched ?? 0) <= (total ?? 0));
      const body = (await r.json()) as {
        usage: { prompt_tokens_details?: { cached_tokens?: number } };
      };
      assert.ok(
        (body.usage.prompt_tokens_details?.cached_tokens ?? 0) > 0,
        'the engine reports a cache hit',
      );
    }
  });

  test('metrics: decisions by reason and routing precision (predicted vs engine-reported cached tokens)', async () => {
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 'NaN');
    assert.ok(
      value(/collie_cache_aware_decisions_total\{model="mock-model",reason="hit"\} (\d+)/) >= 5,
    );
    const predicted = value(
      /collie_routing_predicted_cached_tokens_total\{model="mock-model",source="prediction"\} (\d+)/,
    );
    const reported = value(
      /collie_routing_reported_cached_tokens_total\{model="mock-model",source="prediction"\} (\d+)/,
    );
    assert.ok(predicted > 0 && reported > 0, `predicted ${predicted}, reported ${reported}`);
  });

  test('odd prompts still route: huge, thousands of messages, non-text parts, empty text', async () => {
    const bodies = [
      {
        model: 'mock-model',
        max_tokens: 1,
        messages: [{ role: 'user', content: 'x'.repeat(300_000) }],
      },
      {
        model: 'mock-model',
        max_tokens: 1,
        messages: Array.from({ length: 3000 }, (_, i) => ({
          role: i % 2 ? 'assistant' : 'user',
          content: `m${i}`,
        })),
      },
      {
        model: 'mock-model',
        max_tokens: 1,
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
        ],
      },
      // (SMG rejects a user message whose content is "", but not an empty text part)
      {
        model: 'mock-model',
        max_tokens: 1,
        messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }],
      },
    ];
    for (const b of bodies) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, b);
      assert.equal(r.status, 200);
      assert.ok(r.headers.get('x-collie-route-reason'));
      await r.text();
    }
  });

  test('/flush_cache clears the index: the next request is a miss', async () => {
    const r0 = await postJson(`${gw.url}/v1/chat/completions`, chat('flush me'));
    await r0.text();
    assert.equal((await fetch(`${gw.url}/flush_cache`, { method: 'POST' })).status, 200);
    const r = await postJson(`${gw.url}/v1/chat/completions`, chat('flush me again'));
    assert.equal(r.headers.get('x-collie-route-reason'), 'miss');
    await r.text();
  });

  test('different system prompts spread over engines (misses go to the least loaded)', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = await postJson(`${gw.url}/v1/chat/completions`, {
        model: 'mock-model',
        max_tokens: 1,
        messages: [
          { role: 'system', content: `Persona ${i}: `.repeat(40) },
          { role: 'user', content: 'hi' },
        ],
      });
      seen.add(r.headers.get('x-collie-worker') ?? '');
      console.error(
        'DBG',
        r.headers.get('x-collie-worker'),
        r.headers.get('x-collie-route-reason'),
        r.headers.get('x-collie-prefix-match'),
      );
      await r.text();
    }
    assert.ok(seen.size >= 2, `8 distinct prompts all went to ${[...seen].join(',')}`);
  });
});
