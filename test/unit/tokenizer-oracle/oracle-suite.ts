import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randInt, seededRng, type Rng } from '../../../src/util/rng';
import { cutPieces, loadCorpus, type CorpusDoc, type CorpusPiece } from './corpus';
import { fuzzTexts } from './fuzz';
import { classSweep, normalizationSweep, type SweepText } from './unicode-sweep';
import { decodeMismatches, encodeMismatches, type DecodeCase, type EncodeCase } from './compare';
import { nativeContractTests } from './native-contract';
import { createNativeSubject, type TokenizerSubject } from './subjects';
import type { TokenizerSpec } from './specs';

/**
 * The one suite every tokenizer file runs (hono's common.case.test.ts pattern): the subject
 * (our native engine; the oracle itself with COLLIE_TOKENIZER_SUBJECT=oracle, to debug this
 * harness) must match the reference token for token on the whole corpus, whole and in pieces,
 * and decode like it. A failure names the first mismatches with their context.
 */
const SELF_TEST = process.env['COLLIE_TOKENIZER_SUBJECT'] === 'oracle';
const RANDOM_SEQUENCES = 3000;
/** Random short texts per run; raise COLLIE_TOKENIZER_FUZZ (and vary _SEED) to search longer. */
const FUZZ_TEXTS = Number(process.env['COLLIE_TOKENIZER_FUZZ'] ?? 3000);
const FUZZ_SEED = Number(process.env['COLLIE_TOKENIZER_FUZZ_SEED'] ?? 0xf022);
/** Emulated (oracle) decode streams await one decode per id: keep them short. */
const EMULATED_STREAM_CHARS = 200;

interface Fixture {
  readonly oracle: TokenizerSubject;
  readonly subject: TokenizerSubject;
  readonly docs: readonly CorpusDoc[];
  readonly pieces: readonly CorpusPiece[];
  /** Oracle ids of every document, addSpecialTokens false and true. */
  readonly plain: readonly Uint32Array[];
  readonly withSpecials: readonly Uint32Array[];
  /** Oracle decodes of withSpecials, by skipSpecialTokens (computed on first use). */
  readonly decoded: Map<boolean, Promise<string[]>>;
}

function oracleDecodes(f: Fixture, skip: boolean): Promise<string[]> {
  let p = f.decoded.get(skip);
  if (!p) {
    p = f.oracle.decodeBatch(f.withSpecials, skip);
    f.decoded.set(skip, p);
  }
  return p;
}

async function setUp(spec: TokenizerSpec): Promise<Fixture> {
  const docs = loadCorpus();
  const pieces = cutPieces(docs, seededRng(0x5eed));
  const oracle = spec.oracle();
  const subject = SELF_TEST
    ? spec.oracle()
    : await createNativeSubject(spec.file(), spec.addon?.());
  const texts = docs.map((d) => d.text);
  const plain = await oracle.encodeBatch(texts, false);
  const withSpecials = await oracle.encodeBatch(texts, true);
  return { oracle, subject, docs, pieces, plain, withSpecials, decoded: new Map() };
}

async function encodeCases(
  f: Fixture,
  inputs: readonly { where: string; text: string }[],
  add: boolean,
  expected: readonly Uint32Array[] | null,
  batch: boolean,
): Promise<EncodeCase[]> {
  const texts = inputs.map((i) => i.text);
  const want = expected ?? (await f.oracle.encodeBatch(texts, add));
  const got = batch
    ? await f.subject.encodeBatch(texts, add)
    : await Promise.all(texts.map((t) => f.subject.encode(t, add)));
  return inputs.map((input, i) => ({
    where: input.where,
    text: input.text,
    addSpecialTokens: add,
    expected: want[i] as Uint32Array,
    actual: got[i] ?? new Uint32Array(0),
  }));
}

async function decodeCases(
  f: Fixture,
  seqs: readonly { where: string; ids: Uint32Array }[],
  skip: boolean,
): Promise<DecodeCase[]> {
  const ids = seqs.map((s) => s.ids);
  const want = await f.oracle.decodeBatch(ids, skip);
  const got = await f.subject.decodeBatch(ids, skip);
  return seqs.map((s, i) => ({
    where: `${s.where} (skipSpecialTokens ${skip})`,
    ids: s.ids,
    expected: want[i] as string,
    actual: got[i] ?? '',
  }));
}

/** Random ids: uniform, low (byte) ids, the top of the range (added tokens), runs from docs. */
function randomSequences(
  rng: Rng,
  vocabSize: number,
  docIds: readonly Uint32Array[],
): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let n = 0; n < RANDOM_SEQUENCES; n++) {
    const seq = new Uint32Array(1 + randInt(rng, 48));
    for (let i = 0; i < seq.length; i++) {
      const r = rng();
      if (r < 0.4) seq[i] = randInt(rng, vocabSize);
      else if (r < 0.7) seq[i] = randInt(rng, Math.min(600, vocabSize));
      else if (r < 0.85) seq[i] = vocabSize - 1 - randInt(rng, Math.min(1000, vocabSize));
      else {
        const doc = docIds[randInt(rng, docIds.length)] as Uint32Array;
        seq[i] = doc.length > 0 ? (doc[randInt(rng, doc.length)] as number) : 0;
      }
    }
    out.push(seq);
  }
  return out;
}

const fail = (report: string): void => assert.equal(report, '', report);

function encodeTests(get: () => Fixture): void {
  test('encodes every document like the oracle (addSpecialTokens false, encodeBatch)', async () => {
    const f = get();
    const inputs = f.docs.map((d) => ({ where: d.name, text: d.text }));
    fail(
      await encodeMismatches(
        f.oracle,
        f.subject,
        await encodeCases(f, inputs, false, f.plain, true),
        'documents',
      ),
    );
  });

  test('encodes every document like the oracle (addSpecialTokens true, encode)', async () => {
    const f = get();
    const inputs = f.docs.map((d) => ({ where: d.name, text: d.text }));
    const cases = await encodeCases(f, inputs, true, f.withSpecials, false);
    fail(await encodeMismatches(f.oracle, f.subject, cases, 'documents'));
  });

  test('encodes pieces of 1..4096 UTF-16 units like the oracle (both flags)', async () => {
    const f = get();
    const inputs = f.pieces.map((p) => ({ where: `${p.doc}@${p.offset}`, text: p.text }));
    // even pieces with specials through encodeBatch, odd ones without through encode
    const even = inputs.filter((_, i) => i % 2 === 0);
    const odd = inputs.filter((_, i) => i % 2 === 1);
    const cases = [
      ...(await encodeCases(f, even, true, null, true)),
      ...(await encodeCases(f, odd, false, null, false)),
    ];
    fail(await encodeMismatches(f.oracle, f.subject, cases, 'pieces'));
  });

  test(`encodes ${FUZZ_TEXTS} random edge-case texts like the oracle (seed ${FUZZ_SEED})`, async () => {
    const f = get();
    const texts = fuzzTexts(seededRng(FUZZ_SEED), FUZZ_TEXTS);
    const inputs = texts.map((text, i) => ({ where: `fuzz #${i}`, text }));
    const cases = [
      ...(await encodeCases(f, inputs, false, null, true)),
      ...(await encodeCases(f, inputs, true, null, false)),
    ];
    fail(await encodeMismatches(f.oracle, f.subject, cases, 'fuzz texts'));
  });

  test('encodes the whole corpus as one text like the oracle (past any internal buffer size)', async () => {
    const f = get();
    const text = f.docs.map((d) => d.text).join('\n');
    const cases = await encodeCases(f, [{ where: 'whole corpus', text }], true, null, false);
    fail(await encodeMismatches(f.oracle, f.subject, cases, 'texts'));
  });
}

/**
 * The whole Unicode repertoire: catches tables of another Unicode version than the oracle's
 * (regex classes; combining classes and compositions for NFC tokenizers).
 */
function unicodeTests(get: () => Fixture): void {
  const sweep = async (texts: readonly SweepText[], kind: string): Promise<void> => {
    const f = get();
    const cases = await encodeCases(f, texts, false, null, true);
    fail(await encodeMismatches(f.oracle, f.subject, cases, kind));
  };
  test('classifies every assigned code point like the oracle (Unicode version of the tables)', () =>
    sweep(classSweep(), 'code point blocks'));
  test('normalizes every combining mark and decomposable character like the oracle', () =>
    sweep(normalizationSweep(), 'normalization blocks'));
}

/** tokenizer.json only: the vocabulary strings both ways, for every id. */
function vocabularyTests(get: () => Fixture): void {
  test('idToToken and tokenToId agree with the oracle for every id', () => {
    const f = get();
    const bad: string[] = [];
    for (let id = 0; id < f.oracle.vocabSize && bad.length < 10; id++) {
      const want = f.oracle.idToToken(id);
      const got = f.subject.idToToken(id);
      if (got !== want) bad.push(`idToToken(${id}): expected ${String(want)}, got ${String(got)}`);
      if (want === undefined) continue;
      const back = f.subject.tokenToId(want);
      const wantBack = f.oracle.tokenToId(want);
      if (back !== wantBack) {
        bad.push(
          `tokenToId(${JSON.stringify(want)}): expected ${String(wantBack)}, got ${String(back)}`,
        );
      }
    }
    for (const t of ['', 'no such token ∅', '<|im_sta', 'Ġ'.repeat(40)]) {
      if (f.subject.tokenToId(t) !== f.oracle.tokenToId(t))
        bad.push(`tokenToId(${JSON.stringify(t)})`);
    }
    assert.deepEqual(bad, []);
  });
}

function decodeTests(get: () => Fixture, spec: TokenizerSpec): void {
  for (const skip of [false, true]) {
    test(`decodes every document's ids like the oracle (skipSpecialTokens ${skip})`, async () => {
      const f = get();
      const want = await oracleDecodes(f, skip);
      const got = await f.subject.decodeBatch(f.withSpecials, skip);
      const cases = f.docs.map((d, i) => ({
        where: `${d.name} (skipSpecialTokens ${skip})`,
        ids: f.withSpecials[i] as Uint32Array,
        expected: want[i] as string,
        actual: got[i] ?? '',
      }));
      fail(decodeMismatches(cases, 'documents'));
    });
  }

  const roundTrip = spec.roundTrip;
  if (roundTrip) {
    test('decode(encode(text)) gives the text back (lossless tokenizer)', async () => {
      const f = get();
      const texts = f.docs.map((d) => d.text);
      const ids = await f.subject.encodeBatch(texts, false);
      const got = await f.subject.decodeBatch(ids, false);
      const cases = f.docs.map((d, i) => ({
        where: d.name,
        ids: ids[i] as Uint32Array,
        expected: roundTrip(d.text),
        actual: got[i] ?? '',
      }));
      fail(decodeMismatches(cases, 'round trips'));
    });
  }

  for (const skip of [false, true]) {
    test(`decodes every single id like the oracle (skipSpecialTokens ${skip})`, async () => {
      const f = get();
      assert.equal(f.subject.vocabSize, f.oracle.vocabSize, 'vocabulary size (max id + 1)');
      const seqs = Array.from({ length: f.oracle.vocabSize }, (_, id) => ({
        where: `id ${id}`,
        ids: Uint32Array.of(id),
      }));
      fail(decodeMismatches(await decodeCases(f, seqs, skip), 'single ids'));
    });
  }

  test('decodes random id sequences like the oracle (both flags)', async () => {
    const f = get();
    const seqs = randomSequences(seededRng(0xdec0de), f.oracle.vocabSize, f.plain).map(
      (ids, n) => ({ where: `random #${n}`, ids }),
    );
    const cases = [...(await decodeCases(f, seqs, false)), ...(await decodeCases(f, seqs, true))];
    fail(decodeMismatches(cases, 'random sequences'));
  });
}

function streamTests(get: () => Fixture): void {
  for (const skip of [false, true]) {
    test(`incremental decode concatenates to the full decode (skipSpecialTokens ${skip})`, async () => {
      const f = get();
      const cases: DecodeCase[] = [];
      // emulated streams: the ids of a short prefix of each text (complete UTF-8 at the end)
      const seqs = SELF_TEST
        ? await f.oracle.encodeBatch(
            f.docs.map((d) => d.text.slice(0, EMULATED_STREAM_CHARS)),
            true,
          )
        : f.withSpecials;
      const want = SELF_TEST
        ? await f.oracle.decodeBatch(seqs, skip)
        : await oracleDecodes(f, skip);
      for (let i = 0; i < seqs.length; i++) {
        const ids = seqs[i] as Uint32Array;
        const parts = await f.subject.decodeStream(ids, skip);
        cases.push({
          where: (f.docs[i] as CorpusDoc).name,
          ids,
          expected: want[i] as string,
          actual: parts.join(''),
        });
      }
      fail(decodeMismatches(cases, 'streams'));
    });
  }
}

/** Registers the whole suite for one tokenizer. */
export function describeOracleSuite(spec: TokenizerSpec): void {
  void describe(`tokenizer oracle: ${spec.name} (${SELF_TEST ? 'oracle vs oracle' : 'native vs oracle'})`, () => {
    let fixture: Fixture | undefined;
    const get = (): Fixture => {
      if (!fixture) throw new Error('fixture not set up');
      return fixture;
    };
    before(async () => {
      fixture = await setUp(spec);
    });
    after(() => {
      fixture?.subject.close();
      fixture?.oracle.close();
    });
    encodeTests(get);
    decodeTests(get, spec);
    streamTests(get);
    unicodeTests(get);
    if (spec.kind === 'hf') vocabularyTests(get);
    if (!SELF_TEST) nativeContractTests(spec);
  });
}
