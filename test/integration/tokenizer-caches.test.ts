import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { api } from '../helpers/tokenizer-api';
import { lenmlFile, oracleFor } from '../unit/tokenizer/native-fixtures';

const QWEN3 = lenmlFile('qwen3');

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway([
    '--tokenizer-path',
    QWEN3,
    '--tokenizer-cache-enable-l0',
    '--tokenizer-cache-l0-max-entries',
    '16',
    '--tokenizer-cache-enable-l1',
    '--tokenizer-cache-l1-max-memory',
    '200000',
    '--tokenizer-inline-threshold',
    '256',
  ]);
});
after(() => gw.close());

test('with L0 and L1 on, a growing chat tokenizes exactly as the oracle (inline and pool paths)', async () => {
  const oracle = await oracleFor(QWEN3);
  let chat = '<|im_start|>system\nYou are helpful.<|im_end|>\n';
  for (let turn = 0; turn < 12; turn++) {
    chat += `<|im_start|>user\nQuestion ${turn}: what is ${turn} + ${turn}? <think>hmm</think><|im_end|>\n`;
    chat += `<|im_start|>assistant\n ${turn * 2}. Done<|im_end|>`;
    for (const prompt of [chat, `${chat}\n<|im_start|>assistant\n`, `${chat} trailing`, chat]) {
      const r = await api(gw.url, 'POST', '/v1/tokenize', { model: QWEN3, prompt });
      assert.equal(r.status, 200);
      assert.deepEqual(
        (r.json as { tokens: number[] }).tokens,
        await oracle.encode(prompt, false),
        prompt,
      );
    }
  }
});
