import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { childPids, freshPost, startCliGateway, type Proc } from '../helpers/processes';
import { eventually } from '../helpers/gateway';
import { api } from '../helpers/tokenizer-api';
import { lenmlFile, oracleFor } from '../unit/tokenizer/native-fixtures';

const LLAMA2_DIR = path.dirname(lenmlFile('llama2'));
const QWEN3 = lenmlFile('qwen3');

/** Fresh connections: the kernel spreads them over both ingress processes (SO_REUSEPORT). */
async function tokenizeEverywhere(url: string, model: string, prompt: string, n = 24) {
  return Promise.all(
    Array.from({ length: n }, () => freshPost(`${url}/v1/tokenize`, { model, prompt })),
  );
}

describe('built CLI, --workers 2: tokenizers are registered once and served by every process', () => {
  let proc: Proc;
  let url: string;
  before(async () => {
    ({ proc, url } = await startCliGateway(['--workers', '2', '--tokenizer-path', LLAMA2_DIR], {
      waitReady: false,
    }));
    await eventually(async () => {
      try {
        const r = await api(url, 'GET', '/v1/tokenizers');
        return (r.json as { tokenizers?: unknown[] } | undefined)?.tokenizers?.length === 1;
      } catch {
        return false;
      }
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${proc.output()}`);
    });
  });
  after(() => proc.stop());

  test('two ingress processes run', () => {
    assert.equal(childPids(proc.child.pid as number).length, 2);
  });

  test('the startup tokenizer answers in both processes', async () => {
    const oracle = await oracleFor(lenmlFile('llama2'));
    const want = JSON.stringify({
      tokens: await oracle.encode('Hello world', false),
      count: 2,
      char_count: 11,
    });
    for (const r of await tokenizeEverywhere(url, LLAMA2_DIR, 'Hello world')) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, want);
    }
  });

  test('a registration through one process is usable from both as soon as it is completed', async () => {
    const post = await freshPost(`${url}/v1/tokenizers`, { name: 'qwen', source: QWEN3 });
    assert.equal(post.status, 202, post.text);
    const { id } = JSON.parse(post.text) as { id: string };
    await eventually(async () => {
      const s = await api(url, 'GET', `/v1/tokenizers/${id}/status`);
      return (s.json as { status: string }).status === 'completed';
    }, 30_000);
    const oracle = await oracleFor(QWEN3);
    const prompt = '<|im_start|>user\nhello there<|im_end|>';
    const tokens = await oracle.encode(prompt, false);
    // no sleep: a process that has not loaded it yet waits for its load instead of 400
    for (const r of await tokenizeEverywhere(url, 'qwen', prompt)) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual((JSON.parse(r.text) as { tokens: number[] }).tokens, tokens);
    }
    const list = (await api(url, 'GET', '/v1/tokenizers')).json as {
      tokenizers: Array<{ name: string }>;
    };
    assert.deepEqual(list.tokenizers.map((t) => t.name).sort(), [LLAMA2_DIR, 'qwen'].sort());
  });

  test('a removal reaches both processes', async () => {
    assert.equal((await api(url, 'DELETE', '/v1/tokenizers/qwen')).status, 200);
    await eventually(async () => {
      const all = await tokenizeEverywhere(url, 'qwen', 'x', 12);
      return all.every((r) => r.status === 400);
    }, 5000);
  });
});
