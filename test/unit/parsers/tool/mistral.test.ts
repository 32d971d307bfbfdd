import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed } from './helpers';

const mistral = parserNamed('mistral');

void test('hasMarkers looks for [TOOL_CALLS] alone', () => {
  assert.equal(mistral.hasMarkers('x [TOOL_CALLS]'), true);
  assert.equal(mistral.hasMarkers('x [TOOL_CALL'), false);
});

void test('only the first marker counts; "arguments" only (no "parameters")', () => {
  const r = mistral.parse(
    '[TOOL_CALLS] [{"name": "a", "parameters": {"x": 1}}] [TOOL_CALLS] [{"name": "b"}]',
    [],
  );
  assert.deepEqual(r, { normalText: '', calls: [{ name: 'a', arguments: '{}' }] });
});

void test('a backslash outside strings skips the next character in the bracket scan', () => {
  // The escaped `]` does not close the array, so the array runs to the last `]`.
  const r = mistral.parse('[TOOL_CALLS] [\\]{"name": "a"}]', []);
  assert.deepEqual(r.calls, []);
  assert.equal(r.normalText, '[TOOL_CALLS] [\\]{"name": "a"}]');
});

void test('streaming: the marker split across chunks; calls when the array closes; the rest dropped', () => {
  const { steps, finish } = feed(mistral, ['Hi [TOOL_', 'CALLS] [{"name": "f"}', ']', ' after']);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['Hi ', '', '', ''],
  );
  assert.deepEqual(steps[2]?.calls, [{ index: 0, name: 'f', argumentsDelta: '{}' }]);
  assert.deepEqual(finish(), { normalText: '', calls: [] });
});
