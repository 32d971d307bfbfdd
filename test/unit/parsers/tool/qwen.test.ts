import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, namesOf, parserNamed, textOf, TOOLS } from './helpers';

const qwen = parserNamed('qwen');
const block =
  '<tool_call>\n{"name": "get_weather", "arguments": {"location": "Tokyo"}}\n</tool_call>';

void test('hasMarkers: the start tag, not plain JSON', () => {
  assert.equal(qwen.hasMarkers('Some text <tool_call>\n{'), true);
  assert.equal(qwen.hasMarkers('{"name": "test"}'), false);
});

void test('streaming: text before the marker leaves at once; a split marker is held; the call leaves when its block closes', () => {
  const { steps, finish } = feed(qwen, [
    'Hello <to',
    'ol_call>\n{"name": "get_',
    'weather", "arguments": {}}\n</tool',
    '_call>',
    ' tail',
  ]);
  assert.deepEqual(
    steps.map((s) => s.normalText),
    ['Hello ', '', '', '', ''],
  );
  assert.deepEqual(namesOf(steps.slice(0, 3)), []);
  assert.deepEqual(steps[3]?.calls, [{ index: 0, name: 'get_weather', argumentsDelta: '{}' }]);
  assert.deepEqual(finish(), { normalText: '', calls: [] });
});

void test('streaming: before any call, the section is held (it is normal text if no call follows)', () => {
  const { steps, finish } = feed(qwen, ['a <tool_call>\nnot json\n</tool_call> b']);
  assert.equal(textOf(steps), 'a ');
  assert.equal(finish().normalText, '<tool_call>\nnot json\n</tool_call> b');
});

void test('several calls get consecutive indexes', () => {
  const { steps } = feed(qwen, [block, '\n', block], TOOLS);
  assert.deepEqual(
    steps.flatMap((s) => s.calls.map((c) => c.index)),
    [0, 1],
  );
});
