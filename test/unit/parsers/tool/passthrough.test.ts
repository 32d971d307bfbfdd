import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed } from './helpers';

const pass = parserNamed('passthrough');

void test('every chunk leaves unchanged at once, markers of any format included', () => {
  const chunks = ['<tool_call>\n{"name": "f"}', '\n</tool_call>', ' [TOOL_CALLS] [{}]'];
  const { steps, finish } = feed(pass, chunks);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    chunks,
  );
  assert.deepEqual(finish(), { normalText: '', calls: [] });
  assert.equal(pass.hasMarkers(chunks.join('')), false);
});
