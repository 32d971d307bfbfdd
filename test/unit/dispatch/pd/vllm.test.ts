import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { transferParams, vllmBodies } from '../../../../src/dispatch/pd/vllm';

type Obj = Record<string, unknown>;
const parse = (s: string | undefined): Obj => JSON.parse(s ?? 'null') as Obj;

describe("vLLM sequential PD bodies (SMG's prefill sanitisation)", () => {
  test('chat with max_completion_tokens: only that cap, set to 1; one choice, no floor, not streamed', () => {
    const b = vllmBodies(
      {
        model: 'a',
        max_completion_tokens: 99,
        max_tokens: 88,
        n: 1,
        min_tokens: 5,
        stream: true,
        stream_options: { include_usage: true },
      },
      { model: 'canonical' },
      true,
    );
    const p = parse(b.prefill);
    assert.equal(p['max_completion_tokens'], 1);
    assert.equal(p['max_tokens'], undefined, 'both caps would be refused');
    assert.deepEqual(
      [p['n'], p['min_tokens'], p['stream'], p['stream_options'], p['model']],
      [1, undefined, false, undefined, 'canonical'],
    );
    assert.equal((p['kv_transfer_params'] as Obj)['do_remote_decode'], true);
    const d = parse(b.decode({ transfer_id: 'x' }));
    assert.deepEqual(
      [d['max_completion_tokens'], d['max_tokens'], d['min_tokens'], d['stream']],
      [99, 88, 5, true],
    );
    assert.deepEqual(d['kv_transfer_params'], { transfer_id: 'x' });
  });

  test('completions and chat without max_completion_tokens: max_tokens 1', () => {
    assert.equal(parse(vllmBodies({ prompt: 'x' }, {}, false).prefill)['max_tokens'], 1);
    const chat = parse(vllmBodies({ messages: [], max_tokens: 7 }, {}, true).prefill);
    assert.deepEqual([chat['max_tokens'], chat['max_completion_tokens']], [1, undefined]);
  });

  test('an n > 1 fan-out has no prefill leg; the decode leg carries no params', () => {
    const b = vllmBodies({ messages: [], n: 2 }, {}, true);
    assert.equal(b.prefill, undefined);
    const d = parse(b.decode(undefined));
    assert.equal(d['n'], 2);
    assert.equal('kv_transfer_params' in d, false);
  });

  test('transferParams: the object the prefill answered, else undefined', () => {
    assert.deepEqual(transferParams('{"kv_transfer_params":{"a":1}}'), { a: 1 });
    for (const body of ['{"kv_transfer_params":null}', '{}', 'not json', '[1]']) {
      assert.equal(transferParams(body), undefined, body);
    }
  });
});
