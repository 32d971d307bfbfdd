/**
 * Worker specs as SMG reads them (serde without deny_unknown_fields: unknown fields ignored,
 * `runtime` alias) and WorkerInfo's model card (§5.12, §6.1).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  eventually,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine } from '../../src/mock-engine';
import { api, type ApiResponse } from '../helpers/tokenizer-api';

interface Info {
  id: string;
  model_id?: string;
  status: string;
  runtime_type: string;
  priority: number;
  labels?: Record<string, string>;
  models?: Array<Record<string, unknown>>;
  job_status?: unknown;
}

const LLM = ['chat', 'completions', 'responses', 'tools'];

describe('worker specs and model cards as SMG', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(3);
    gw = await startTestGateway(['--model-alias', 'mm=mock-model']);
  });
  after(() => closeAll(gw, engines));

  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    api(gw.url, method, path, body);

  async function ready(id: string): Promise<Info> {
    let info: Info | undefined;
    await eventually(async () => {
      const r = await call('GET', `/workers/${id}`);
      info = r.json as Info;
      return r.status === 200 && info.status === 'ready' && info.job_status === undefined;
    }, 5000);
    return info as Info;
  }

  async function register(body: Record<string, unknown>): Promise<Info> {
    const r = await call('POST', '/workers', body);
    assert.equal(r.status, 202, r.text);
    return ready((r.json as { worker_id: string }).worker_id);
  }

  test('the card is completed from discovery and lists the --model-alias', async () => {
    const info = await register({ url: engines[0]!.url });
    assert.equal(info.model_id, 'mock-model');
    assert.deepEqual(info.models, [
      {
        id: 'mock-model',
        aliases: ['mm'],
        model_type: LLM,
        context_length: 32768,
        tokenizer_path: 'mock-tokenizer-path',
      },
    ]);
    const list = (await call('GET', '/workers')).json as { workers: Info[] };
    assert.deepEqual(list.workers.find((w) => w.id === info.id)?.models, info.models);
    // ?model= matches the card's id or an alias, as SMG's supports_model
    for (const name of ['mock-model', 'mm']) {
      const byModel = (await call('GET', `/workers?model=${name}`)).json as { total: number };
      assert.equal(byModel.total, 1, name);
    }
    assert.equal(((await call('GET', '/workers?model=nope')).json as { total: number }).total, 0);
  });

  test('unknown fields are ignored at every level; the operator’s card is kept', async () => {
    const info = await register({
      url: engines[1]!.url,
      models: [
        {
          id: 'mock-model',
          display_name: 'Mock',
          aliases: ['m1'],
          context_length: 4096,
          reasoning_parser: 'qwen3',
          not_a_card_field: true,
        },
      ],
      priority: 9,
      health: { timeout_secs: 5, not_a_health_field: 1 },
      resilience: { max_retries: 3 },
      http_pool: {},
      not_a_spec_field: { nested: [1, 2] },
    });
    assert.equal(info.priority, 9);
    assert.deepEqual(info.models, [
      {
        id: 'mock-model',
        display_name: 'Mock',
        aliases: ['m1', 'mm'],
        model_type: LLM,
        context_length: 4096,
        tokenizer_path: 'mock-tokenizer-path',
        reasoning_parser: 'qwen3',
      },
    ]);
    const patched = await call('PATCH', `/workers/${info.id}`, { priority: 3, typo_field: 1 });
    assert.equal(patched.status, 202, patched.text);
    await eventually(
      async () => ((await call('GET', `/workers/${info.id}`)).json as Info).priority === 3,
    );
  });

  test('`runtime` is runtime_type; SMG fields of the wrong type are still a 422', async () => {
    const info = await register({ url: engines[2]!.url, runtime: 'vllm', api_key: null });
    assert.equal(info.runtime_type, 'vllm');
    const both = await call('POST', '/workers', {
      url: 'http://127.0.0.1:1',
      runtime: 'vllm',
      runtime_type: 'sglang',
    });
    assert.equal(both.status, 422);
    assert.match(both.text, /duplicate field `runtime_type`/);
    const wrong = await call('POST', '/workers', { url: 'http://127.0.0.1:1', resilience: 5 });
    assert.equal(wrong.status, 422);
    const card = await call('POST', '/workers', {
      url: 'http://127.0.0.1:1',
      models: [{ id: 'x', model_type: ['chat', 'telepathy'] }],
    });
    assert.equal(card.status, 422);
  });
});
