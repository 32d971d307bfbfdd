import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpecialScanner } from '../../../src/tokenizer/special-scanner';

test('leftmost, then longest, non-overlapping', () => {
  const s = new SpecialScanner([
    { content: '<a>', id: 1 },
    { content: '<a>b', id: 2 },
    { content: 'x<a', id: 3 },
    { content: '<|end|>', id: 4 },
  ]);
  assert.deepEqual(s.scan('q<a>bc<a>x<a>e<|end|>'), [
    { start: 1, end: 5, id: 2 },
    { start: 6, end: 9, id: 1 },
    { start: 9, end: 12, id: 3 },
    { start: 14, end: 21, id: 4 },
  ]);
  assert.deepEqual(s.scan('<|end|'), []);
  assert.deepEqual(s.scan('no specials here'), []);
});

test('many distinct first characters use the table path with the same result', () => {
  const tokens = Array.from({ length: 20 }, (_, i) => ({
    content: `${String.fromCharCode(65 + i)}!`,
    id: i,
  }));
  const s = new SpecialScanner(tokens);
  assert.deepEqual(s.scan('xA!yB!T!!'), [
    { start: 1, end: 3, id: 0 },
    { start: 4, end: 6, id: 1 },
    { start: 6, end: 8, id: 19 },
  ]);
});

test('astral characters in token contents and texts', () => {
  const s = new SpecialScanner([{ content: '<😀>', id: 5 }]);
  assert.deepEqual(s.scan('😀<😀>😀'), [{ start: 2, end: 6, id: 5 }]);
  assert.equal(new SpecialScanner([]).scan('<a>').length, 0);
});
