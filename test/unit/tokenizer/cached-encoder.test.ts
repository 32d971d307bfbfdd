import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedEncoder } from '../../../src/tokenizer/cached-encoder';
import { seededRng, randInt, type Rng } from '../../../src/util/rng';
import { fakeEngine, type FakeEngineOptions, type FakeSpecial } from './fake-engine';

const SPECIALS: FakeSpecial[] = [
  { content: '<|im_start|>', id: 1 },
  { content: '<|im_end|>', id: 2 },
  { content: '<|eot|>', id: 3 },
  { content: '<s>', id: 4 },
];

function ids(a: Uint32Array): number[] {
  return Array.from(a);
}

function check(
  engineOpts: FakeEngineOptions,
  texts: readonly string[],
  l1Bytes = 1 << 20,
): CachedEncoder {
  const engine = fakeEngine(engineOpts);
  const reference = fakeEngine(engineOpts);
  const cached = new CachedEncoder((t, a) => engine.encode(t, a), engine.specials, {
    l0: { maxEntries: 50 },
    l1: { maxBytes: l1Bytes },
  });
  for (const add of [false, true]) {
    for (const t of texts) {
      assert.deepEqual(
        ids(cached.encodeSync(t, add)),
        ids(reference.encode(t, add)),
        `${JSON.stringify(t)} add=${add}`,
      );
    }
  }
  return cached;
}

const conversation = (turns: number): string[] => {
  const out: string[] = [];
  let text = '';
  for (let i = 0; i < turns; i++) {
    text += `<|im_start|>user\nhello world ${i}<|im_end|>\n<|im_start|>assistant\nhe said${i}<|im_end|>`;
    out.push(text, `${text}\n<|im_start|>user\n  the abc`);
  }
  return out;
};

describe('CachedEncoder: identical ids to the engine', () => {
  test('a growing conversation hits L1 and stays exact, with and without BOS/EOS', () => {
    for (const opts of [
      { specials: SPECIALS },
      { specials: SPECIALS, bos: 7 },
      { specials: SPECIALS, bos: 7, eos: 8 },
    ]) {
      const c = check(opts, conversation(8));
      const s = c.stats();
      assert.ok((s.l1?.hits ?? 0) > 0, 'L1 was used');
      assert.equal(s.l1?.safeBoundaries, SPECIALS.length);
    }
  });

  test('boundaries right before text that merges across a naive split ("hel|lo", spaces)', () => {
    const texts = [
      'he<|eot|>llo',
      'he<|eot|>llo<|eot|>',
      'he<|eot|>llo<|eot|> the',
      'he<|eot|>llo<|eot|>  ',
      '<|eot|>',
      '<|eot|><|eot|>',
      '',
    ];
    check({ specials: SPECIALS, bos: 7 }, texts);
  });

  test('the same prefix with many different suffixes, including none', () => {
    const p = '<|im_start|>system\nabc<|im_end|>';
    check({ specials: SPECIALS }, [p, `${p}x`, `${p} `, `${p}<|im_end|>`, `${p}hello`, p]);
  });

  test('unicode, astral characters and lone surrogates around boundaries', () => {
    const texts = [
      'é<|eot|>😀x',
      '😀<|eot|>\uD800',
      '\uDC00<|eot|>\uD83D',
      '<|eot|>\uD83D\uDE00',
      'a\uD800<|eot|>b',
      // differs only in which lone surrogate: must not share an L1 key
      'a\uD801<|eot|>b',
      'a\uFFFD<|eot|>b',
    ];
    check({ specials: SPECIALS }, [...texts, ...texts.map((t) => `${t}<|eot|>tail`)]);
  });

  test('Metaspace "first": every special fails the probe, so L1 never splits', () => {
    const c = check({ specials: SPECIALS, prependFirst: true }, conversation(4));
    assert.equal(c.stats().l1?.safeBoundaries, 0);
    assert.equal(c.stats().l1?.hits, 0);
  });

  test('a whitespace-swallowing (rstrip) special is not used as a boundary', () => {
    const specials = [...SPECIALS, { content: '<mask>', id: 9, rstrip: true }];
    const c = check({ specials }, [
      'a<mask>  hello',
      'a<mask>  hello<mask> x',
      'a<mask>\n\nb',
      'a<mask>',
    ]);
    assert.equal(c.stats().l1?.safeBoundaries, SPECIALS.length);
  });

  test('a single-word special is not used as a boundary', () => {
    const specials = [...SPECIALS, { content: '<w>', id: 10, singleWord: true }];
    const c = check({ specials }, [' <w> hello', ' <w> hello <w>x', ' <w>hello', '<w> ab']);
    assert.equal(c.stats().l1?.safeBoundaries, SPECIALS.length);
  });

  test('a special that is the start of a longer one is not a boundary ("<a>" vs "<a>b")', () => {
    const specials = [...SPECIALS, { content: '<a>', id: 11 }, { content: '<a>b', id: 12 }];
    const c = check({ specials }, ['x<a>', 'x<a>b', 'x<a>bc', 'x<a>c', 'x<a>b<a>']);
    assert.equal(c.stats().l1?.safeBoundaries, SPECIALS.length + 1);
  });

  test('random texts over specials, words and spaces (seeded)', () => {
    const rng = seededRng(42);
    const pieces = [
      '<|im_start|>',
      '<|im_end|>',
      '<|eot|>',
      '<s>',
      'hello',
      'hel',
      'lo',
      ' ',
      '  ',
      '\n',
      'ab',
      'c',
      'é',
      '😀',
      'wor',
      'ld',
      '<',
      '|',
    ];
    const pick = (r: Rng): string => pieces[randInt(r, pieces.length)] as string;
    const bases = Array.from({ length: 20 }, () =>
      Array.from({ length: 12 }, () => pick(rng)).join(''),
    );
    const texts: string[] = [];
    for (let i = 0; i < 400; i++) {
      const base = bases[randInt(rng, bases.length)] as string;
      texts.push(base + Array.from({ length: randInt(rng, 8) }, () => pick(rng)).join(''));
    }
    for (const opts of [{ specials: SPECIALS }, { specials: SPECIALS, bos: 7, eos: 8 }]) {
      const c = check(opts, texts, 4096);
      assert.ok((c.stats().l1?.hits ?? 0) > 0);
      assert.ok((c.stats().l1?.bytes ?? 0) <= 4096);
    }
  });
});

describe('CachedEncoder: what it saves', () => {
  test('an L1 hit encodes only the suffix', () => {
    const engine = fakeEngine({ specials: SPECIALS });
    const seen: string[] = [];
    const c = new CachedEncoder(
      (t, a) => {
        seen.push(t);
        return engine.encode(t, a);
      },
      engine.specials,
      { l1: { maxBytes: 1 << 20 } },
    );
    const prefix = '<|im_start|>user\nhello<|im_end|>';
    c.encodeSync(`${prefix}tail one`, false);
    seen.length = 0;
    c.encodeSync(`${prefix}tail two`, false);
    assert.deepEqual(seen, ['tail two']);
  });

  test('an L0 hit does not call the engine and returns a copy', () => {
    const engine = fakeEngine({ specials: SPECIALS });
    const c = new CachedEncoder((t, a) => engine.encode(t, a), engine.specials, {
      l0: { maxEntries: 4 },
    });
    const a = c.encodeSync('hello world', true);
    const calls = engine.calls;
    a[0] = 12345;
    const b = c.encodeSync('hello world', true);
    assert.equal(engine.calls, calls);
    assert.notEqual(b[0], 12345);
    assert.notDeepEqual(ids(c.encodeSync('hello world', false)), [12345]);
  });

  test('seeding skips when the engine splits differently from the scan', () => {
    // the engine knows no special tokens, the scanner does: nothing lines up
    const plain = fakeEngine({ specials: [] });
    const c = new CachedEncoder((t, a) => plain.encode(t, a), SPECIALS, {
      l1: { maxBytes: 1 << 20 },
    });
    // safety probes fail too (the last id of "a<|eot|>" is not the special's id)
    assert.equal(c.stats().l1?.safeBoundaries, 0);
  });
});
