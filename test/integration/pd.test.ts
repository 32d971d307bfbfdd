import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  closeAll,
  eventually,
  postJson,
  startEngines,
  startTestGateway,
  type TestGateway,
} from '../helpers/gateway';
import type { MockEngine, RecordedRequest } from '../../src/mock-engine';

type Obj = Record<string, unknown>;

const bodies = (e: MockEngine, path: string): Obj[] =>
  e.requests.filter((r: RecordedRequest) => r.path === path).map((r) => r.body as Obj);

const allBodies = (es: MockEngine[], path: string): Obj[] => es.flatMap((e) => bodies(e, path));

function pdFlags(prefill: MockEngine[], decode: MockEngine[], extra: string[] = []): string[] {
  return [
    '--pd-disaggregation',
    ...prefill.flatMap((e) => ['--prefill', e.url, String(e.bootstrapPort)]),
    ...decode.flatMap((e) => ['--decode', e.url]),
    '--prefill-policy',
    'cache_aware',
    '--decode-policy',
    'power_of_two',
    '--retry-initial-backoff-ms',
    '1',
    ...extra,
  ];
}

async function noneInFlight(gw: TestGateway, engines: MockEngine[]): Promise<void> {
  await eventually(() => engines.every((e) => gw.inflight(e.url) === 0), 5000);
}

describe('PD (SGLang dual dispatch) through the openai SDK, 2 prefill + 2 decode', () => {
  let prefill: MockEngine[];
  let decode: MockEngine[];
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    prefill = await startEngines(2, { role: 'prefill', tokens: 5, bootstrapTimeoutMs: 3000 });
    decode = await startEngines(2, { role: 'decode', tokens: 5, bootstrapTimeoutMs: 3000 });
    gw = await startTestGateway(pdFlags(prefill, decode));
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => closeAll(gw, prefill, decode));

  test('chat (non-stream): both legs carry the same bootstrap room; the decode answer returns', async () => {
    const r = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Hello PD' }],
      max_tokens: 4,
    });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.usage?.completion_tokens, 4);
    const p = allBodies(prefill, '/v1/chat/completions')[0] as Obj;
    const d = allBodies(decode, '/v1/chat/completions')[0] as Obj;
    assert.equal(typeof p['bootstrap_room'], 'number');
    assert.equal(p['bootstrap_room'], d['bootstrap_room']);
    assert.equal(d['bootstrap_host'], '127.0.0.1');
    assert.ok(prefill.some((e) => e.bootstrapPort === d['bootstrap_port']));
  });

  test('chat (stream) delivers every chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Stream PD' }],
      stream: true,
      max_tokens: 6,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, 'The quick brown fox jumps over');
    assert.equal(finish, 'length');
  });

  test('completions, streamed and not', async () => {
    const r = await client.completions.create({
      model: 'mock-model',
      prompt: 'abc',
      max_tokens: 3,
    });
    assert.equal(r.choices[0]?.text, 'The quick brown');
    const s = await client.completions.create({
      model: 'mock-model',
      prompt: 'abc',
      max_tokens: 3,
      stream: true,
    });
    let text = '';
    for await (const c of s) text += c.choices[0]?.text ?? '';
    assert.equal(text, 'The quick brown');
    await noneInFlight(gw, [...prefill, ...decode]);
  });

  test('/generate with return_logprob merges the prefill input logprobs (buffered and streamed)', async () => {
    for (const stream of [false, true]) {
      const res = await postJson(`${gw.url}/generate`, {
        text: 'one two three four',
        return_logprob: true,
        stream,
        sampling_params: { max_new_tokens: 2 },
      });
      assert.equal(res.status, 200);
      const text = await res.text();
      const last = stream
        ? (JSON.parse(
            text
              .split('\n\n')
              .filter((e) => e.startsWith('data: {'))
              .at(-1)
              ?.slice(6) ?? 'null',
          ) as Obj)
        : (JSON.parse(text) as Obj);
      const meta = last['meta_info'] as Obj;
      const lp = meta['input_token_logprobs'] as unknown[];
      // prefill: one per prompt token; decode: its own marker entry after them
      assert.equal(lp.length, (meta['prompt_tokens'] as number) + 1);
      assert.deepEqual(lp.at(-1), [-0.25, 1, null]);
    }
  });

  test('a batched /generate gets bootstrap arrays of the batch length', async () => {
    const res = await postJson(`${gw.url}/generate`, {
      input_ids: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    assert.equal(res.status, 200);
    const out = (await res.json()) as unknown[];
    assert.equal(out.length, 3);
    const p = allBodies(prefill, '/generate').find((b) => Array.isArray(b['input_ids'])) as Obj;
    const rooms = p['bootstrap_room'] as number[];
    assert.equal(rooms.length, 3);
    assert.equal(new Set(rooms).size, 3);
    assert.equal((p['bootstrap_host'] as string[]).length, 3);
    assert.equal((p['bootstrap_port'] as number[]).length, 3);
  });

  test('mismatched batch sizes are refused before any engine is called', async () => {
    const before = allBodies(prefill, '/generate').length;
    const res = await postJson(`${gw.url}/generate`, { text: 'a', input_ids: [[1], [2], [3]] });
    assert.equal(res.status, 400);
    const j = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(j.error.code, 'invalid_body');
    assert.match(j.error.message, /batch size mismatch/);
    assert.equal(allBodies(prefill, '/generate').length, before);
  });

  test('bootstrap fields a client sends are replaced by the gateway', async () => {
    const res = await postJson(`${gw.url}/generate`, {
      text: 'client-bootstrap',
      bootstrap_host: 'evil.example',
      bootstrap_port: 1,
      bootstrap_room: 7,
    });
    assert.equal(res.status, 200);
    const d = allBodies(decode, '/generate').find((b) => b['text'] === 'client-bootstrap') as Obj;
    assert.equal(d['bootstrap_host'], '127.0.0.1');
    assert.notEqual(d['bootstrap_room'], 7);
  });

  test('routes the PD router does not serve answer 501 after validation', async () => {
    const res = await postJson(`${gw.url}/v1/embeddings`, { model: 'mock-model', input: 'x' });
    assert.equal(res.status, 501);
    assert.equal(await res.text(), 'Embeddings not implemented');
  });

  test('health_generate checks a pair; info routes go to the first prefill engine; readiness', async () => {
    const hg = await fetch(`${gw.url}/health_generate`);
    assert.equal(hg.status, 200);
    assert.match(await hg.text(), /^Health generate passed on selected pair: prefill=http/);
    const info = await fetch(`${gw.url}/get_server_info`);
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('x-worker-id'), (prefill[0] as MockEngine).workerId);
    const ready = await fetch(`${gw.url}/readiness`);
    assert.equal(ready.status, 200);
  });

  test('POST /workers takes worker_type and bootstrap_port; other types are refused', async () => {
    const [extra] = await startEngines(1, { role: 'prefill' });
    try {
      const spec = {
        url: extra?.url,
        worker_type: 'prefill',
        bootstrap_port: extra?.bootstrapPort,
      };
      const res = await postJson(`${gw.url}/workers`, spec);
      assert.equal(res.status, 202);
      await eventually(async () => {
        const r = (await (await fetch(`${gw.url}/workers`)).json()) as { workers: Obj[] };
        const w = r.workers.find((x) => x['url'] === extra?.url);
        return w?.['worker_type'] === 'prefill' && w['bootstrap_port'] === extra?.bootstrapPort;
      }, 5000);
      const bad = await postJson(`${gw.url}/workers`, { url: 'http://x:1', worker_type: 'encode' });
      assert.equal(bad.status, 422);
    } finally {
      const r = (await (await fetch(`${gw.url}/workers`)).json()) as { workers: Obj[] };
      const id = r.workers.find((x) => x['url'] === extra?.url)?.['id'];
      if (typeof id === 'string') await fetch(`${gw.url}/workers/${id}`, { method: 'DELETE' });
      await eventually(async () => {
        const l = (await (await fetch(`${gw.url}/workers`)).json()) as { workers: Obj[] };
        return !l.workers.some((x) => x['url'] === extra?.url);
      }, 10_000);
      await extra?.close();
    }
  });

  test('PD metrics are exported with SMG names', async () => {
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    assert.match(
      text,
      /smg_pd_ttft_seconds_count\{backend_type="pd",model="mock-model",runtime="sglang"\} [1-9]/,
    );
    assert.match(text, /smg_pd_prefill_duration_seconds_count\{[^}]*runtime="sglang"\} [1-9]/);
    assert.match(text, /smg_pd_kv_transfer_duration_seconds_count\{[^}]*\} [1-9]/);
  });

  test('workers API lists worker_type and bootstrap_port', async () => {
    const r = (await (await fetch(`${gw.url}/workers`)).json()) as {
      workers: Obj[];
      stats: Obj;
    };
    assert.deepEqual(r.stats, { prefill_count: 2, decode_count: 2, regular_count: 0 });
    const p = r.workers.find((w) => w['worker_type'] === 'prefill') as Obj;
    assert.equal(typeof p['bootstrap_port'], 'number');
  });
});
