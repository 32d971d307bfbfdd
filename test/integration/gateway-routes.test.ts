import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEngines,
  startTestGateway,
  closeAll,
  postJson,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine, RecordedRequest } from '../../src/mock-engine';

async function sseEvents(res: Response): Promise<string[]> {
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.trim() !== '');
}

/** The request an engine recorded on `path` whose body mentions `marker`. */
function findRequest(
  engines: MockEngine[],
  path: string,
  marker: string,
): RecordedRequest | undefined {
  return engines
    .flatMap((e) => e.requests)
    .find((q) => q.path === path && JSON.stringify(q.body).includes(marker));
}

describe('SMG routes through collie', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(2, { tokens: 4, model: 'GLM-5.2' });
    gw = await startTestGateway([
      '--worker-urls',
      ...engines.map((e) => e.url),
      '--model-alias',
      'GLM-5.2-Coding=GLM-5.2',
      '--request-id-headers',
      'custom-trace-id',
      'x-correlation-id',
    ]);
  });
  after(() => closeAll(gw, engines));

  test('probes: /health and /liveness say OK; /readiness counts ready workers', async () => {
    for (const p of ['/health', '/liveness']) {
      const r = await fetch(gw.url + p);
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'OK');
    }
    const r = await fetch(`${gw.url}/readiness`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ready', healthy_workers: 2, total_workers: 2 });
  });

  test('/v1/models lists the discovered model once', async () => {
    const r = await fetch(`${gw.url}/v1/models`);
    assert.deepEqual(await r.json(), {
      object: 'list',
      data: [{ id: 'GLM-5.2', object: 'model', created: 0, owned_by: 'self_hosted' }],
    });
  });

  test('info passthroughs answer from a ready worker', async () => {
    const si = (await (await fetch(`${gw.url}/get_server_info`)).json()) as Record<string, unknown>;
    assert.equal(si['served_model_name'], 'GLM-5.2');
    const mi = (await (await fetch(`${gw.url}/get_model_info`)).json()) as Record<string, unknown>;
    assert.equal(mi['is_generation'], true);
    assert.equal((await fetch(`${gw.url}/health_generate`)).status, 200);
  });

  test('/engine_metrics merges every engine with a worker_addr label', async () => {
    const r = await fetch(`${gw.url}/engine_metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    for (const e of engines) assert.ok(text.includes(`worker_addr="${e.url}"`), `missing ${e.url}`);
    assert.doesNotMatch(text, /^sglang:/m);
  });

  test('an alias is rewritten to the canonical model before it reaches the engine', async () => {
    const r = await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'GLM-5.2-Coding',
      messages: [{ role: 'user', content: 'alias-probe' }],
    });
    assert.equal(r.status, 200);
    const seen = findRequest(engines, '/v1/chat/completions', 'alias-probe');
    assert.equal((seen?.body as { model?: string }).model, 'GLM-5.2');
  });

  test('client bytes are forwarded unchanged when no field must change', async () => {
    const raw =
      '{"model":"GLM-5.2",   "messages":[{"role":"user","content":"exact"}],"extra_field":{"keep":[1,2]}}';
    const r = await postJson(`${gw.url}/v1/chat/completions`, raw);
    assert.equal(r.status, 200);
    assert.deepEqual(findRequest(engines, '/v1/chat/completions', 'exact')?.body, JSON.parse(raw));
  });

  test('request ids: configured header echoed, else generated with the route prefix', async () => {
    const a = await postJson(
      `${gw.url}/generate`,
      { text: 'x' },
      { 'custom-trace-id': 'trace-1', 'x-correlation-id': 'c' },
    );
    assert.equal(a.headers.get('x-request-id'), 'trace-1');
    const b = await postJson(`${gw.url}/generate`, { text: 'x' });
    assert.match(b.headers.get('x-request-id') ?? '', /^gnt-[A-Za-z0-9]{24}$/);
    const c = await postJson(`${gw.url}/v1/chat/completions`, {
      model: 'GLM-5.2',
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.match(c.headers.get('x-request-id') ?? '', /^chatcmpl-/);
  });

  test('only allow-listed request headers reach the engine; engine headers come back', async () => {
    const r = await postJson(
      `${gw.url}/generate`,
      { text: 'hdr' },
      {
        'x-smg-routing-key': 'k1',
        'x-secret-internal': 'no',
        traceparent: '00-abc-def-01',
        'x-request-id-extra': 'y',
      },
    );
    assert.equal(r.status, 200);
    assert.match(r.headers.get('x-worker-id') ?? '', /^worker-/);
    const h = findRequest(engines, '/generate', 'hdr')?.headers ?? {};
    assert.equal(h['x-smg-routing-key'], 'k1');
    assert.equal(h['traceparent'], '00-abc-def-01');
    assert.equal(h['x-request-id-extra'], 'y');
    assert.equal(h['x-secret-internal'], undefined);
  });

  test('/generate streams SSE through with [DONE]; non-stream returns meta_info', async () => {
    const s = await postJson(`${gw.url}/generate`, { text: 'go', stream: true });
    assert.equal(s.status, 200);
    assert.match(s.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = await sseEvents(s);
    assert.equal(events[events.length - 1], 'data: [DONE]');
    assert.ok(events.length >= 5);
    const n = (await (await postJson(`${gw.url}/generate`, { text: 'go' })).json()) as {
      text: string;
      meta_info: { finish_reason: { type: string } };
    };
    assert.equal(typeof n.text, 'string');
    assert.ok(n.meta_info.finish_reason.type);
  });

  test('/v1/messages (Anthropic) stream keeps named events', async () => {
    const r = await postJson(`${gw.url}/v1/messages`, {
      model: 'GLM-5.2',
      max_tokens: 4,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const events = await sseEvents(r);
    assert.match(events[0] ?? '', /^event: message_start/);
    assert.match(events[events.length - 1] ?? '', /^event: message_stop/);
    const m = (await (
      await postJson(`${gw.url}/v1/messages`, {
        model: 'GLM-5.2',
        max_tokens: 4,
        messages: [{ role: 'user', content: 'hi' }],
      })
    ).json()) as Record<string, unknown>;
    assert.equal(m['type'], 'message');
  });

  test('/v1/responses passthrough', async () => {
    const r = (await (
      await postJson(`${gw.url}/v1/responses`, { model: 'GLM-5.2', input: 'hello' })
    ).json()) as Record<string, unknown>;
    assert.equal(r['object'], 'response');
    assert.equal(r['status'], 'completed');
  });

  test('/rerank is rebuilt (alias → canonical, top_k); /v1/rerank ignores model', async () => {
    const r = await postJson(`${gw.url}/rerank`, {
      model: 'GLM-5.2-Coding',
      query: 'q',
      documents: ['a', 'b', 'c'],
      top_k: 2,
      rid: 'rr',
    });
    assert.equal(r.status, 200);
    const body = (await r.json()) as {
      results: Array<{ score: number }>;
      model: string;
      object: string;
      id: string;
    };
    assert.equal(body.object, 'rerank');
    assert.equal(body.model, 'GLM-5.2');
    assert.equal(body.id, 'rr');
    assert.equal(body.results.length, 2);
    assert.ok((body.results[0]?.score ?? 0) >= (body.results[1]?.score ?? 0));
    const v1 = await postJson(`${gw.url}/v1/rerank`, { query: 'q', documents: ['a'] });
    assert.equal(v1.status, 200);
    assert.equal(((await v1.json()) as { results: unknown[] }).results.length, 1);
  });

  test('/v1/classify and /v1/embeddings are routed', async () => {
    assert.equal(
      (await postJson(`${gw.url}/v1/classify`, { model: 'GLM-5.2', input: 'x' })).status,
      200,
    );
    assert.equal(
      (await postJson(`${gw.url}/v1/embeddings`, { model: 'GLM-5.2-Coding', input: 'x' })).status,
      200,
    );
  });

  test('HEAD on a GET route answers without a body', async () => {
    const r = await fetch(`${gw.url}/health`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '');
  });
});
