/**
 * The Responses API's stored-response routes and /v1/interactions as SMG's HTTP routers
 * answer them: nothing is stored in HTTP mode (404 not_found), /cancel fans out to every
 * worker (first 2xx wins), interactions are validated then 501.
 */
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

const notFound = (id: string) => ({
  error: {
    type: 'Not Found',
    code: 'not_found',
    message: `No response found with id '${id}'`,
    param: null,
  },
});

describe('Responses API routes in HTTP mode', () => {
  let a: MockEngine;
  let b: MockEngine;
  let gw: TestGateway;

  before(async () => {
    [a, b] = (await startEngines(2)) as [MockEngine, MockEngine];
    gw = await startTestGateway(['--worker-urls', a.url, b.url, '--policy', 'round_robin']);
  });
  after(() => closeAll(gw, a, b));

  async function created(): Promise<string> {
    const r = await postJson(`${gw.url}/v1/responses`, { model: 'mock-model', input: 'hello' });
    assert.equal(r.status, 200);
    return ((await r.json()) as { id: string }).id;
  }

  test('GET, DELETE and input_items: 404 not_found (a passthrough stores nothing)', async () => {
    const id = await created();
    for (const [method, path] of [
      ['GET', `/v1/responses/${id}`],
      ['DELETE', `/v1/responses/${id}`],
      ['GET', `/v1/responses/${id}/input_items`],
    ] as const) {
      const r = await fetch(`${gw.url}${path}`, { method });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.headers.get('x-smg-error-code'), 'not_found');
      assert.deepEqual(await r.json(), notFound(id));
    }
    assert.equal((await fetch(`${gw.url}/v1/responses/${id}`, { method: 'POST' })).status, 405);
  });

  test('cancel: every engine is asked, the one that knows the id answers', async () => {
    const id = await created();
    const seen = (e: MockEngine) =>
      e.requests.filter((r) => r.path === `/v1/responses/${id}/cancel`);
    const r = await fetch(`${gw.url}/v1/responses/${id}/cancel`, {
      method: 'POST',
      headers: { 'x-request-id': 'cancel-1' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { id, object: 'response', status: 'cancelled' });
    for (const e of [a, b]) {
      const got = seen(e);
      assert.equal(got.length, 1);
      assert.equal(got[0]?.headers['x-request-id'], 'cancel-1');
      assert.equal(got[0]?.body, null);
    }
  });

  test('cancel of an id no engine knows: the engines’ 404 comes back', async () => {
    const r = await fetch(`${gw.url}/v1/responses/resp_nope/cancel`, { method: 'POST' });
    assert.equal(r.status, 404);
    const body = (await r.json()) as { error: { message: string } };
    assert.equal(body.error.message, "No response found with id 'resp_nope'");
  });
});

describe('/v1/interactions in HTTP mode', () => {
  let engines: MockEngine[];
  let gw: TestGateway;

  before(async () => {
    engines = await startEngines(1);
    gw = await startTestGateway(['--worker-urls', engines[0]!.url]);
  });
  after(() => closeAll(gw, engines));

  test('a valid request: 501 text, no engine called', async () => {
    const r = await postJson(`${gw.url}/v1/interactions`, { model: 'mock-model', input: 'hi' });
    assert.equal(r.status, 501);
    assert.equal(await r.text(), 'Interactions API not implemented for this router');
    assert.equal(engines[0]!.stats().inferenceRequests, 0);
  });

  test('an invalid one: SMG’s ValidatedJson 400 first', async () => {
    const cases: Array<[unknown, string]> = [
      [{ input: 'hi' }, '__all__: Validation error: model_or_agent_required [{}]'],
      [{ model: 'm', input: '  ' }, 'input: Input text cannot be empty'],
      [{ model: 'm', input: [] }, 'input: Input content array cannot be empty'],
      [
        { model: 'm', agent: 'a', input: 'hi' },
        '__all__: Cannot set both model and agent. Provide exactly one.',
      ],
      [
        { agent: 'deep-research', input: 'hi' },
        '__all__: Agent interactions require background mode to be enabled.',
      ],
      [
        { model: 'm', input: 'hi', generation_config: { max_output_tokens: 0 } },
        'generation_config.max_output_tokens: Validation error: range [{"min": Number(1), "value": Number(0)}]',
      ],
    ];
    for (const [body, message] of cases) {
      const r = await postJson(`${gw.url}/v1/interactions`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual(await r.json(), {
        error: { message, type: 'invalid_request_error', code: 400 },
      });
    }
    const raw = '{"model":"m"}';
    const missing = await postJson(`${gw.url}/v1/interactions`, raw);
    assert.equal(missing.status, 400);
    assert.equal(
      ((await missing.json()) as { error: { message: string } }).error.message,
      'Invalid JSON data: Failed to deserialize the JSON body into the target type: ' +
        `missing field \`input\` at line 1 column ${raw.length}`,
    );
  });
});

test('no workers: cancel is 503 no_workers', async () => {
  const gw = await startTestGateway([]);
  try {
    const r = await fetch(`${gw.url}/v1/responses/resp_1/cancel`, { method: 'POST' });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('x-smg-error-code'), 'no_workers');
    assert.equal(
      ((await r.json()) as { error: { message: string } }).error.message,
      'No available workers',
    );
  } finally {
    await gw.close();
  }
});

test('PD mode: cancel and interactions are 501 text, GET still 404', async () => {
  const [prefill] = (await startEngines(1, { role: 'prefill' })) as [MockEngine];
  const [decode] = (await startEngines(1, { role: 'decode' })) as [MockEngine];
  const gw = await startTestGateway([
    '--pd-disaggregation',
    '--prefill',
    prefill.url,
    String(prefill.bootstrapPort),
    '--decode',
    decode.url,
  ]);
  try {
    const c = await fetch(`${gw.url}/v1/responses/resp_1/cancel`, { method: 'POST' });
    assert.equal(c.status, 501);
    assert.equal(await c.text(), 'Cancel response not implemented');
    const i = await postJson(`${gw.url}/v1/interactions`, { model: 'mock-model', input: 'hi' });
    assert.equal(i.status, 501);
    assert.equal(await i.text(), 'Interactions API not implemented for this router');
    assert.equal((await fetch(`${gw.url}/v1/responses/resp_1`)).status, 404);
  } finally {
    await closeAll(gw, prefill, decode);
  }
});
