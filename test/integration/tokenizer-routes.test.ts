import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { api, registerTokenizer } from '../helpers/tokenizer-api';
import { lenmlFile, oracleFor } from '../unit/tokenizer/native-fixtures';

const LLAMA3 = lenmlFile('llama3_1');
const LLAMA2_DIR = path.dirname(lenmlFile('llama2'));
const QWEN3 = lenmlFile('qwen3');

describe('/v1/tokenize and /v1/detokenize (SMG §5.6)', () => {
  let gw: TestGateway;
  let oracle: Awaited<ReturnType<typeof oracleFor>>;
  before(async () => {
    gw = await startTestGateway(['--tokenizer-path', LLAMA3]);
    oracle = await oracleFor(LLAMA3);
  });
  after(() => gw.close());

  test('the startup tokenizer is registered under its path', async () => {
    const r = await api(gw.url, 'GET', '/v1/tokenizers');
    assert.equal(r.status, 200);
    const list = (r.json as { tokenizers: Array<Record<string, unknown>> }).tokenizers;
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0] ?? {}), ['id', 'name', 'source', 'vocab_size']);
    assert.equal(list[0]?.['name'], LLAMA3);
    assert.equal(list[0]?.['source'], LLAMA3);
    assert.equal(list[0]?.['vocab_size'], 128256);
  });

  test('single prompt: tokens without special tokens, count, char_count', async () => {
    const prompt = 'Hello world 😀 <|eot_id|>';
    for (const model of [LLAMA3, 'unknown', '']) {
      const r = await api(gw.url, 'POST', '/v1/tokenize', { model, prompt });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/json');
      const want = await oracle.encode(prompt, false);
      assert.deepEqual(r.json, { tokens: want, count: want.length, char_count: 24 });
    }
  });

  test('batch prompt', async () => {
    const prompt = ['Hi', 'Yo there', ''];
    const r = await api(gw.url, 'POST', '/v1/tokenize', { model: LLAMA3, prompt });
    assert.equal(r.status, 200);
    const want = await Promise.all(prompt.map((p) => oracle.encode(p, false)));
    assert.deepEqual(r.json, {
      tokens: want,
      count: want.map((w) => w.length),
      char_count: [2, 8, 0],
    });
  });

  test('a long prompt (pool path) and a big batch (split over threads)', async () => {
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(2000);
    const r = await api(gw.url, 'POST', '/v1/tokenize', { model: LLAMA3, prompt: long });
    assert.deepEqual((r.json as { tokens: number[] }).tokens, await oracle.encode(long, false));
    const batch = Array.from({ length: 200 }, (_, i) => `${i} ${long.slice(0, 50 * i)}`);
    const b = await api(gw.url, 'POST', '/v1/tokenize', { model: LLAMA3, prompt: batch });
    assert.deepEqual(
      (b.json as { tokens: number[][] }).tokens[199],
      await oracle.encode(batch[199] as string, false),
    );
  });

  test('detokenize: single and batch; skip_special_tokens defaults to true', async () => {
    const ids = await oracle.encode('Hello world', true); // starts with <|begin_of_text|>
    const one = await api(gw.url, 'POST', '/v1/detokenize', { model: LLAMA3, tokens: ids });
    assert.deepEqual(one.json, { text: await oracle.decode(ids, true) });
    const keep = await api(gw.url, 'POST', '/v1/detokenize', {
      model: LLAMA3,
      tokens: ids,
      skip_special_tokens: false,
    });
    assert.deepEqual(keep.json, { text: await oracle.decode(ids, false) });
    const many = await api(gw.url, 'POST', '/v1/detokenize', {
      model: LLAMA3,
      tokens: [ids, [], [9906]],
    });
    assert.deepEqual(many.json, { text: ['Hello world', '', 'Hello'] });
  });

  test('unknown model: 400 tokenizer_not_found listing the available ones', async () => {
    for (const route of ['/v1/tokenize', '/v1/detokenize']) {
      const r = await api(gw.url, 'POST', route, { model: 'gpt-x', prompt: 'a', tokens: [1] });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, {
        error: {
          message: `Tokenizer for model 'gpt-x' not found. Available: ${LLAMA3}`,
          type: 'tokenizer_not_found',
        },
      });
    }
  });

  test('bad input: 422 for wrong types and bad ids, 400 for ids past the vocabulary, axum 400/415', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['/v1/tokenize', { model: LLAMA3, prompt: 5 }, 422, /untagged enum StringOrArray/],
      ['/v1/tokenize', { model: LLAMA3, prompt: ['a', null] }, 422, /untagged enum StringOrArray/],
      ['/v1/tokenize', { prompt: 'a' }, 422, /missing field `model`/],
      ['/v1/detokenize', { tokens: [1] }, 422, /missing field `model`/],
      [
        '/v1/detokenize',
        { model: LLAMA3, tokens: [1, -2] },
        422,
        /tokens\[1\]: invalid value: integer `-2`, expected u32/,
      ],
      [
        '/v1/detokenize',
        { model: LLAMA3, tokens: [0.5] },
        422,
        /invalid type: floating point `0\.5`, expected u32/,
      ],
      [
        '/v1/detokenize',
        { model: LLAMA3, tokens: [2 ** 32] },
        422,
        /invalid value: integer `4294967296`/,
      ],
      ['/v1/detokenize', { model: LLAMA3, tokens: 'abc' }, 422, /expected a sequence of u32/],
      ['/v1/tokenize', '{"model":', 400, /^Failed to parse the request body as JSON: /],
      [
        '/v1/tokenize',
        '{"model":"m","prompt":"a\\ud800"}',
        400,
        /^Failed to parse the request body as JSON: unexpected end of hex escape at line 1 column 31$/,
      ],
    ];
    for (const [route, body, status, re] of cases) {
      const r = await api(gw.url, 'POST', route, body);
      assert.equal(r.status, status, `${route} ${JSON.stringify(body)}: ${r.text}`);
      assert.match(r.text, re);
    }
    const vocab = await api(gw.url, 'POST', '/v1/detokenize', {
      model: LLAMA3,
      tokens: [[1], [5, 128256]],
    });
    assert.equal(vocab.status, 400);
    assert.deepEqual(vocab.json, {
      error: {
        message:
          'Token id 128256 at tokens[1][1] is out of range for this tokenizer (vocab size 128256)',
        type: 'detokenization_error',
      },
    });
    const noCt = await fetch(`${gw.url}/v1/tokenize`, { method: 'POST', body: '{}' });
    assert.equal(noCt.status, 415);
    assert.equal(await noCt.text(), 'Expected request with `Content-Type: application/json`');
  });

  test('huge batches: 413 with a clear message', async () => {
    const r = await api(gw.url, 'POST', '/v1/tokenize', {
      model: LLAMA3,
      prompt: new Array(70_000).fill('a'),
    });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json, {
      error: {
        message: 'Too many prompts: 70000 (at most 65536 per request)',
        type: 'request_too_large',
      },
    });
  });
});

describe('/v1/tokenizers registry (SMG §7)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(['--disable-tokenizer-autoload', '--tokenizer-path', LLAMA3]);
  });
  after(() => gw.close());

  test('autoload off: nothing registered, tokenize says how to add one', async () => {
    assert.deepEqual((await api(gw.url, 'GET', '/v1/tokenizers')).json, { tokenizers: [] });
    const r = await api(gw.url, 'POST', '/v1/tokenize', { model: 'x', prompt: 'a' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      error: {
        message: 'No tokenizers available. Use POST /v1/tokenizers to add one.',
        type: 'tokenizer_not_found',
      },
    });
  });

  test('register → 202 → completed; visible to tokenize at once; 409; get; delete', async () => {
    const post = await api(gw.url, 'POST', '/v1/tokenizers', {
      name: 'llama2',
      source: LLAMA2_DIR,
    });
    assert.equal(post.status, 202);
    const accepted = post.json as { id: string; status: string; message: string };
    assert.equal(accepted.status, 'pending');
    assert.equal(
      accepted.message,
      `Tokenizer 'llama2' registration job submitted. Loading from: ${LLAMA2_DIR}`,
    );
    // a tokenize right after completion must not 400 (the ingress load is awaited)
    let status: { status: string; vocab_size?: number } = { status: 'pending' };
    while (status.status !== 'completed') {
      status = (await api(gw.url, 'GET', `/v1/tokenizers/${accepted.id}/status`))
        .json as typeof status;
      assert.notEqual(status.status, 'failed');
    }
    assert.equal(status.vocab_size, 32000);
    const tok = await api(gw.url, 'POST', '/v1/tokenize', {
      model: 'llama2',
      prompt: 'Hello world',
    });
    assert.equal(tok.status, 200, tok.text);
    const oracle = await oracleFor(lenmlFile('llama2'));
    assert.deepEqual(
      (tok.json as { tokens: number[] }).tokens,
      await oracle.encode('Hello world', false),
    );
    const byId = await api(gw.url, 'POST', '/v1/tokenize', {
      model: accepted.id,
      prompt: 'Hello world',
    });
    assert.equal(byId.status, 200);

    const dup = await api(gw.url, 'POST', '/v1/tokenizers', { name: 'llama2', source: QWEN3 });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, {
      id: accepted.id,
      status: 'failed',
      message: "Tokenizer 'llama2' already exists",
    });
    for (const key of [accepted.id, 'llama2']) {
      const one = await api(gw.url, 'GET', `/v1/tokenizers/${encodeURIComponent(key)}`);
      assert.deepEqual(one.json, {
        id: accepted.id,
        name: 'llama2',
        source: LLAMA2_DIR,
        vocab_size: 32000,
      });
    }
    const del = await api(gw.url, 'DELETE', '/v1/tokenizers/llama2');
    assert.deepEqual(del.json, {
      success: true,
      message: "Tokenizer 'llama2' removed successfully",
    });
    assert.equal(
      (await api(gw.url, 'POST', '/v1/tokenize', { model: 'llama2', prompt: 'a' })).status,
      400,
    );
    assert.equal((await api(gw.url, 'DELETE', '/v1/tokenizers/llama2')).status, 404);
    assert.deepEqual((await api(gw.url, 'GET', `/v1/tokenizers/${accepted.id}/status`)).json, {
      error: {
        message: `Tokenizer '${accepted.id}' not found and no pending job`,
        type: 'not_found',
      },
    });
  });

  test('failed registrations leave nothing behind', async () => {
    for (const [source, re] of [
      ['/no/such/tokenizer.json', /does not exist/],
      [path.dirname(path.dirname(LLAMA3)), /contains no tokenizer\.json and no \*\.tiktoken file/],
      ['someorg/some-model', /not in the local cache .*--tokenizer-hub-download/],
    ] as const) {
      const s = await registerTokenizer(gw.url, `bad-${source}`, source);
      assert.equal(s.status, 'failed');
      assert.match(s.message, re);
    }
    assert.deepEqual((await api(gw.url, 'GET', '/v1/tokenizers')).json, { tokenizers: [] });
  });

  test('422 for bodies of the wrong shape; 404 shapes', async () => {
    const r = await api(gw.url, 'POST', '/v1/tokenizers', { name: 'x' });
    assert.equal(r.status, 422);
    assert.equal(
      r.text,
      'Failed to deserialize the JSON body into the target type: missing field `source`',
    );
    assert.deepEqual((await api(gw.url, 'GET', '/v1/tokenizers/nope')).json, {
      error: { message: "Tokenizer 'nope' not found", type: 'tokenizer_not_found' },
    });
    assert.deepEqual((await api(gw.url, 'DELETE', '/v1/tokenizers/nope')).json, {
      success: false,
      message: "Tokenizer 'nope' not found",
    });
  });
});

describe('auth groups: tokenize is protected, the registry is admin', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway([
      '--tokenizer-path',
      LLAMA2_DIR,
      '--api-key',
      'shared',
      '--tenant-api-key',
      'team:team-key',
    ]);
  });
  after(() => gw.close());

  test('tenant and shared keys tokenize; only the shared key manages tokenizers', async () => {
    const body = { model: LLAMA2_DIR, prompt: 'hi' };
    assert.equal((await api(gw.url, 'POST', '/v1/tokenize', body)).status, 401);
    assert.equal(
      (await api(gw.url, 'POST', '/v1/tokenize', body, { authorization: 'Bearer team-key' }))
        .status,
      200,
    );
    assert.equal(
      (await api(gw.url, 'POST', '/v1/tokenize', body, { authorization: 'Bearer shared' })).status,
      200,
    );
    assert.equal(
      (await api(gw.url, 'GET', '/v1/tokenizers', undefined, { authorization: 'Bearer team-key' }))
        .status,
      401,
    );
    assert.equal(
      (await api(gw.url, 'GET', '/v1/tokenizers', undefined, { authorization: 'Bearer shared' }))
        .status,
      200,
    );
  });
});
