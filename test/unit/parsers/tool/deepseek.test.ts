import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feed, parserNamed } from './helpers';

const CALLS = '<｜tool▁calls▁begin｜>';
const v3 = (name: string, args: string): string =>
  `<｜tool▁call▁begin｜>function<｜tool▁sep｜>${name}\n\`\`\`json\n${args}\n\`\`\`<｜tool▁call▁end｜>`;
const v31 = (name: string, args: string): string =>
  `<｜tool▁call▁begin｜>${name}<｜tool▁sep｜>${args}<｜tool▁call▁end｜>`;

void test('deepseek: hasMarkers needs the section marker', () => {
  assert.equal(parserNamed('deepseek').hasMarkers(v3('f', '{}')), false);
  assert.equal(parserNamed('deepseek').hasMarkers(`x${CALLS}`), true);
});

void test('deepseek: the fence must be exact', () => {
  const bad = `${CALLS}<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n\`\`\`\n{}\n\`\`\`<｜tool▁call▁end｜>`;
  assert.deepEqual(parserNamed('deepseek').parse(bad, []), { normalText: bad, calls: [] });
});

void test('deepseek31: name is the text before the first separator; args after it', () => {
  const r = parserNamed('deepseek31').parse(`${CALLS}${v31(' f ', '{"a": "<｜tool▁sep｜>"}')}`, []);
  assert.deepEqual(r.calls, [{ name: 'f', arguments: '{"a":"<｜tool▁sep｜>"}' }]);
});

void test('streaming: each call leaves when its end marker arrives (split across chunks)', () => {
  const text = `Hi${CALLS}${v31('a', '{}')}${v31('b', '{"x": 1}')}`;
  const cut = text.indexOf('<｜tool▁call▁end｜>') + 5;
  const { steps } = feed(parserNamed('deepseek31'), [text.slice(0, cut), text.slice(cut)]);
  assert.equal(steps[0]?.normalText, 'Hi');
  assert.deepEqual(steps[0]?.calls, []);
  assert.deepEqual(
    steps[1]?.calls.map((c) => c.name),
    ['a', 'b'],
  );
});

void test('deepseek32: direct JSON content must end with } to be taken verbatim', () => {
  const fc = (inv: string): string =>
    `<｜DSML｜function_calls><｜DSML｜invoke name="f">${inv}</｜DSML｜invoke></｜DSML｜function_calls>`;
  const p = parserNamed('deepseek32');
  assert.equal(p.parse(fc(' {"a": 1 } '), []).calls[0]?.arguments, '{"a": 1 }');
  assert.equal(p.parse(fc('{"a": 1'), []).calls[0]?.arguments, '{}');
});

void test('deepseek32: the normal text before the block is trimmed, also while streaming', () => {
  const text =
    'Answer:  \n\n<｜DSML｜function_calls><｜DSML｜invoke name="f"></｜DSML｜invoke></｜DSML｜function_calls>';
  const { steps, finish } = feed(parserNamed('deepseek32'), [
    'Answer:  ',
    '\n\n<｜DSML｜func',
    text.slice(text.indexOf('tion_calls>')),
  ]);
  assert.equal(steps.map((s) => s.normalText).join('') + finish().normalText, 'Answer:');
  assert.deepEqual(parserNamed('deepseek32').parse(text, []), {
    normalText: 'Answer:',
    calls: [{ name: 'f', arguments: '{}' }],
  });
});
