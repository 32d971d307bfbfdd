import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebuildRerank } from '../../src/routes/rerank';
import { GatewayError } from '../../src/errors/gateway-error';

const reply = (items: unknown) => ({
  status: 200,
  headers: [] as Array<[string, string]>,
  body: Buffer.from(JSON.stringify(items)),
});

test('sorts, truncates to top_k, drops documents on request, fills SMG fields', () => {
  const items = [
    { score: 0.1, document: 'a', index: 0 },
    { score: 0.9, document: 'b', index: 1, meta_info: { c: 1 } },
    { score: 0.5, document: 'c', index: 2 },
  ];
  const out = rebuildRerank(
    { top_k: 2, return_documents: false, rid: 'r1' },
    'm',
    1700000000,
  )(reply(items));
  const body = JSON.parse(out.body.toString()) as Record<string, unknown>;
  assert.deepEqual(body, {
    results: [
      { score: 0.9, index: 1, meta_info: { c: 1 } },
      { score: 0.5, index: 2, meta_info: null },
    ],
    model: 'm',
    usage: null,
    object: 'rerank',
    id: 'r1',
    created: 1700000000,
  });
});

test('a non-array worker answer is rerank_response_build_failed', () => {
  assert.throws(
    () => rebuildRerank({}, 'm', 0)(reply({ not: 'a list' })),
    (e: unknown) => e instanceof GatewayError && e.code === 'rerank_response_build_failed',
  );
});
