/** The shared helpers tool-b added under src/parsers/tool/common (and the faster partialMarkerSuffix). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EarliestMarker,
  quotedAttribute,
  scanPairs,
  scanTags,
} from '../../../../src/parsers/tool/common/lazy-scan';
import { partialMarkerSuffix } from '../../../../src/parsers/tool/common/markers';
import {
  FilterChain,
  RemoveAllFilter,
  TrimFilter,
} from '../../../../src/parsers/tool/common/text-filters';
import {
  batchWhileWaiting,
  waitHint,
  type HintedStream,
} from '../../../../src/parsers/tool/common/wait-batch';
import {
  inferJsonOrLiteralValue,
  inferLiteralValue,
  parseRustF64Number,
} from '../../../../src/parsers/tool/common/xml-values';
import { serializeJson } from '../../../../src/parsers/tool/common/json';
import { chunkText } from './stream-check';

function naivePartial(text: string, markers: readonly string[]): number {
  let best = 0;
  for (const m of markers)
    for (let len = Math.min(m.length - 1, text.length); len > best; len--)
      if (text.endsWith(m.slice(0, len))) {
        best = len;
        break;
      }
  return best;
}

void test('partialMarkerSuffix equals the naive longest-prefix search', () => {
  const markers = ['<|END_ACTION|>', '<|a|>', '<<x', 'ab'];
  const alphabet = ['<', '|', 'E', 'N', 'D', '_', 'A', 'C', 'T', 'I', 'O', '>', 'a', 'b', 'x'];
  let seed = 1;
  for (let n = 0; n < 5000; n++) {
    let s = '';
    for (let k = (seed = (seed * 48271) % 2147483647) % 12; k > 0; k--) {
      seed = (seed * 48271) % 2147483647;
      s += alphabet[seed % alphabet.length] ?? '';
    }
    assert.equal(partialMarkerSuffix(s, markers), naivePartial(s, markers), JSON.stringify(s));
  }
});

void test('RemoveAllFilter and TrimFilter in any chunking equal Rust replace + trim', () => {
  const text = '  \u3000<|A|>x<|A<|A|>|>y <|B|><|A|>z \n ';
  const expected = text.replaceAll('<|A|>', '').replaceAll('<|B|>', '').trim();
  for (const size of [1, 2, 3, 5, 100]) {
    const f = new FilterChain([
      new RemoveAllFilter('<|A|>'),
      new RemoveAllFilter('<|B|>'),
      new TrimFilter(),
    ]);
    const out =
      chunkText(text, size)
        .map((c) => f.push(c))
        .join('') + f.end();
    assert.equal(out, expected, `size ${size}`);
  }
});

void test('scanPairs and scanTags follow lazy-regex find_iter semantics', () => {
  assert.deepEqual(
    scanPairs('<k>a</k>x<k>b</k> <v>1</v><k>c</k><v>2</v>', '<k>', '</k>', '<v>', '</v>'),
    [
      { key: 'a</k>x<k>b', value: '1' },
      { key: 'c', value: '2' },
    ],
  );
  const header = (t: string, pos: number) => {
    const a = quotedAttribute(t, pos, 'name', 1);
    return a && t[a.end] === '>' ? { end: a.end + 1, attrs: [a.value] } : undefined;
  };
  assert.deepEqual(
    scanTags('<p name="">x</p><p name="a">1</p><p  name="b">2</p>', '<p', header, '</p>').map(
      (m) => [m.attrs[0], m.body],
    ),
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
  assert.deepEqual(scanTags('<p name="a"></p>z</p>', '<p', header, '</p>', 1)[0]?.body, '</p>z');
});

void test('EarliestMarker finds the earliest marker as the buffer is consumed', () => {
  const em = new EarliestMarker(['<a>', '<bb>']);
  let buf = 'xx<bb>yy<a>';
  let base = 0;
  assert.deepEqual(em.find(buf, base), { index: 2, marker: '<bb>' });
  buf = buf.slice(6);
  base += 6;
  assert.deepEqual(em.find(buf, base), { index: 2, marker: '<a>' });
  buf = buf.slice(5) + 'zz<b';
  base += 5;
  assert.equal(em.find(buf, base), undefined);
  buf += 'b>';
  assert.deepEqual(em.find(buf, base), { index: 2, marker: '<bb>' });
});

void test('batchWhileWaiting hands collected chunks over once the marker can have arrived', () => {
  const seen: string[] = [];
  let held = '';
  const inner: HintedStream = {
    push: (c) => {
      seen.push(c);
      held += c;
      const done = held.includes('END');
      if (done) held = '';
      return { normalText: done ? 'done' : '', calls: [] };
    },
    finish: () => ({ normalText: '', calls: [] }),
    waitingFor: () => (held !== '' ? waitHint('END', held) : undefined),
  };
  const s = batchWhileWaiting(inner);
  assert.equal(s.push('a').normalText, '');
  for (const c of ['b', 'c', 'E', 'N']) assert.equal(s.push(c).normalText, '');
  assert.equal(s.push('D!').normalText, 'done');
  assert.deepEqual(seen, ['a', 'bcEND!']);
});

void test('value inference: Rust number syntax, Python literals, JSON first', () => {
  assert.equal(parseRustF64Number('1e400'), undefined);
  assert.equal(parseRustF64Number('inf'), undefined);
  assert.equal(parseRustF64Number('5.')?.text, '5.0');
  assert.equal(parseRustF64Number('.5')?.text, '0.5');
  assert.equal(serializeJson(inferLiteralValue('+7')), '7');
  assert.equal(serializeJson(inferLiteralValue('None')), 'null');
  assert.equal(serializeJson(inferLiteralValue(' 7')), '" 7"');
  assert.equal(serializeJson(inferJsonOrLiteralValue('[1, 2.0]')), '[1,2.0]');
  assert.equal(serializeJson(inferJsonOrLiteralValue('007')), '7');
});
