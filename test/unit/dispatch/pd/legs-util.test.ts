import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  engineMessage,
  legTransportError,
  rewrapLegError,
  vllmPrefillError,
  vllmTransportError,
} from '../../../../src/dispatch/pd/errors';
import {
  createStreamMerger,
  mergeAnswer,
  prefillLogprobs,
} from '../../../../src/dispatch/pd/logprobs';
import { GatewayError } from '../../../../src/errors/gateway-error';
import { GatedSink } from '../../../../src/dispatch/pd/gated-sink';
import { FakeSink } from '../fakes';

describe('PD error re-wrapping (SMG codes)', () => {
  const cases: Array<[number, string, number]> = [
    [400, 'bad_request', 400],
    [404, 'not_found', 404],
    [500, 'internal_error', 500],
    [502, 'bad_gateway', 502],
    [503, 'unavailable', 503],
    [429, 'error', 500],
    [504, 'error', 500],
  ];
  for (const [status, suffix, expected] of cases) {
    test(`${status} → <leg>_${suffix} ${expected}`, () => {
      for (const leg of ['prefill', 'decode'] as const) {
        const e = rewrapLegError(leg, status, '{"error":{"message":"boom"}}');
        assert.equal(e.code, `${leg}_${suffix}`);
        assert.equal(e.status, expected);
      }
    });
  }
  test('decode keeps the engine message; prefill names the leg and status', () => {
    assert.equal(rewrapLegError('decode', 500, '{"message":"m"}').message, 'm');
    assert.equal(
      rewrapLegError('prefill', 503, 'busy').message,
      'Prefill server error (503 Service Unavailable): busy',
    );
    assert.equal(engineMessage('plain text'), 'plain text');
  });
  test('transport failures become 502 <leg>_server_error; timeouts stay 504', () => {
    const conn = new GatewayError('call_upstream_connection_failed', 'refused');
    assert.equal(legTransportError('prefill', conn).code, 'prefill_server_error');
    assert.equal(legTransportError('decode', conn).status, 502);
    const t = new GatewayError('call_upstream_timeout', 't');
    assert.equal(legTransportError('decode', t), t);
  });
  test("vLLM (SMG's sequential path): a prefill answer keeps its status and the engine's message", () => {
    for (const status of [400, 429, 503, 504]) {
      const e = vllmPrefillError(status, '{"error":{"message":"boom"}}');
      assert.deepEqual([e.code, e.status, e.message], ['prefill_upstream_error', status, 'boom']);
    }
    assert.equal(vllmPrefillError(500, 'text').message, 'text');
  });
  test('vLLM: transport failures become 502 <leg>_request_failed; timeouts stay 504', () => {
    const conn = new GatewayError('call_upstream_connection_failed', 'refused');
    const p = vllmTransportError('prefill', conn);
    assert.deepEqual(
      [p.code, p.status, p.message],
      ['prefill_request_failed', 502, 'Prefill transport error: refused'],
    );
    assert.equal(vllmTransportError('decode', conn).code, 'decode_request_failed');
    const t = new GatewayError('call_upstream_timeout', 't');
    assert.equal(vllmTransportError('prefill', t), t);
  });
});

describe('PD logprob merging', () => {
  const prefill = JSON.stringify({
    meta_info: {
      input_token_logprobs: [
        [-1, 1, null],
        [-2, 2, null],
      ],
    },
  });

  test('buffered: prefill input logprobs go first', () => {
    const lp = prefillLogprobs(prefill) as unknown[];
    const decode = Buffer.from(
      JSON.stringify({ text: 'x', meta_info: { input_token_logprobs: [[-3, 3, null]] } }),
    );
    const out = JSON.parse(mergeAnswer(decode, lp).toString()) as {
      meta_info: { input_token_logprobs: unknown[] };
    };
    assert.deepEqual(out.meta_info.input_token_logprobs, [
      [-1, 1, null],
      [-2, 2, null],
      [-3, 3, null],
    ]);
  });

  test('a decode answer without the field is left byte for byte', () => {
    const decode = Buffer.from('{"text":"x","meta_info":{}}');
    assert.equal(mergeAnswer(decode, [1]), decode);
  });

  test('a streamed prefill answer: the last event is used', () => {
    const sse = `data: {"meta_info":{"input_token_logprobs":[1]}}\n\ndata: {"meta_info":{"input_token_logprobs":[1,2]}}\n\ndata: [DONE]\n\n`;
    assert.deepEqual(prefillLogprobs(sse), [1, 2]);
  });

  test('streamed: events split across chunks are merged whole, [DONE] untouched', () => {
    const m = createStreamMerger([0]);
    const ev = 'data: {"meta_info":{"input_token_logprobs":[9]}}\n\n';
    const a = m.push(Buffer.from(ev.slice(0, 20)));
    const b = m.push(Buffer.from(ev.slice(20) + 'data: [DONE]\n\n'));
    const text = a.toString() + b.toString() + m.flush().toString();
    assert.equal(text, 'data: {"meta_info":{"input_token_logprobs":[0,9]}}\n\ndata: [DONE]\n\n');
  });
});

describe('GatedSink', () => {
  test('queues the decode leg until the gate opens, then replays through the transform', () => {
    const real = new FakeSink();
    const g = new GatedSink(real);
    g.writeHead(200, [['content-type', 'text/event-stream']]);
    assert.equal(g.write('data: a\n\n'), true);
    assert.equal(real.status, 0);
    g.open({
      chunk: (c) => Buffer.from(c.toString().toUpperCase()),
      end: () => Buffer.alloc(0),
      answer: (b) => b,
    });
    g.write('data: b\n\n');
    g.end();
    assert.equal(real.status, 200);
    assert.equal(real.body, 'DATA: A\n\nDATA: B\n\n');
  });

  test('discard drops everything the client never saw', () => {
    const real = new FakeSink();
    const g = new GatedSink(real);
    g.send(200, [], '{"ok":true}');
    g.discard();
    assert.equal(real.status, 0);
    assert.equal(g.pending, false);
  });
});
