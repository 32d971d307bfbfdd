import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { api, registerTokenizer } from '../helpers/tokenizer-api';
import { lenmlFile, oracleFor } from '../unit/tokenizer/native-fixtures';

const LLAMA2 = lenmlFile('llama2');

let hub: FakeHub;
let gw: TestGateway;
let cacheDir: string;
before(async () => {
  hub = await startFakeHub({
    'org/llama2': {
      files: {
        'tokenizer.json': fs.readFileSync(LLAMA2),
        'tokenizer_config.json': fs.readFileSync(
          path.join(path.dirname(LLAMA2), 'tokenizer_config.json'),
        ),
      },
    },
    'org/gated': { files: { 'tokenizer.json': fs.readFileSync(LLAMA2) }, token: 'nope' },
    'org/cut': {
      files: { 'tokenizer.json': fs.readFileSync(LLAMA2) },
      truncate: ['tokenizer.json'],
    },
  });
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collie-hub-gw-'));
  // the gateway reads the Hub settings from the environment at startup
  process.env['HF_ENDPOINT'] = hub.url;
  process.env['HF_HUB_CACHE'] = cacheDir;
  process.env['HF_TOKEN'] = 'token-of-test';
  gw = await startTestGateway(['--model-path', 'org/llama2', '--tokenizer-hub-download']);
});
after(async () => {
  await gw.close();
  await hub.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('--model-path <hub id> with --tokenizer-hub-download: downloaded at startup, served under the id', async () => {
  const list = (await api(gw.url, 'GET', '/v1/tokenizers')).json as {
    tokenizers: Array<{ name: string; vocab_size: number }>;
  };
  assert.deepEqual(
    list.tokenizers.map((t) => [t.name, t.vocab_size]),
    [['org/llama2', 32000]],
  );
  const oracle = await oracleFor(LLAMA2);
  const r = await api(gw.url, 'POST', '/v1/tokenize', {
    model: 'org/llama2',
    prompt: 'Hello world',
  });
  assert.deepEqual(
    (r.json as { tokens: number[] }).tokens,
    await oracle.encode('Hello world', false),
  );
  assert.ok(fs.existsSync(path.join(cacheDir, 'models--org--llama2', 'refs', 'main')));
  assert.ok(hub.requests.every((q) => q.authorization === 'Bearer token-of-test'));
});

test('Hub failures fail the job with the reason and register nothing', async () => {
  for (const [source, re] of [
    ['org/does-not-exist', /Hugging Face model 'org\/does-not-exist' does not exist/],
    ['org/gated', /refused 'org\/gated' \(HTTP 401\): HF_TOKEN was rejected/],
    ['org/cut', /cut off|truncated/],
  ] as const) {
    const s = await registerTokenizer(gw.url, source, source);
    assert.equal(s.status, 'failed', source);
    assert.match(s.message, re);
  }
  const names = (
    (await api(gw.url, 'GET', '/v1/tokenizers')).json as { tokenizers: Array<{ name: string }> }
  ).tokenizers;
  assert.deepEqual(
    names.map((t) => t.name),
    ['org/llama2'],
  );
  assert.equal(fs.existsSync(path.join(cacheDir, 'models--org--cut')), false);
});
