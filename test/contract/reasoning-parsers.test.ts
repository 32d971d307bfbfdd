/**
 * The contract every reasoning parser honours (one suite over every registered parser, vectors
 * in reasoning-vectors/): SMG's complete-parse results, the streaming property (any chunking
 * gives the complete parse wherever a bounded stream can), and bounded held text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ReasoningParseError,
  reasoningParser,
  reasoningParserNames,
  type ReasoningParser,
  type ReasoningResult,
} from '../../src/parsers/reasoning';
import { REASONING_VECTORS } from './reasoning-vectors';

/** Deterministic chunk sizes 1..12 (an LCG; no Math.random in tests). */
function randomSizes(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return 1 + (x % 12);
  };
}

export function streamInChunks(
  parser: ReasoningParser,
  text: string,
  size: number | (() => number),
): ReasoningResult {
  const stream = parser.stream();
  let normalText = '';
  let reasoningText = '';
  const add = (r: ReasoningResult): void => {
    normalText += r.normalText;
    reasoningText += r.reasoningText;
  };
  for (let i = 0; i < text.length;) {
    const n = typeof size === 'number' ? size : size();
    add(stream.push(text.slice(i, i + n)));
    i += n;
  }
  add(stream.finish());
  return { normalText, reasoningText };
}

void test('every registered reasoning parser has vectors, and SMG names are all registered', () => {
  const names = [
    'base',
    'passthrough',
    'deepseek_r1',
    'qwen3',
    'qwen3_thinking',
    'kimi',
    'glm45',
    'step3',
    'minimax',
    'cohere_cmd',
    'nano_v3',
    'inkling',
    'deepseek_v31',
    'kimi_k25',
    'kimi_thinking',
    'kimi_k3',
  ];
  assert.deepEqual([...reasoningParserNames()].sort(), [...names].sort());
  assert.deepEqual(REASONING_VECTORS.map((v) => v.parser).sort(), [...names].sort());
});

for (const { parser: name, vectors, opening } of REASONING_VECTORS) {
  void describe(`reasoning parser contract: ${name}`, () => {
    const parser = reasoningParser(name);
    assert.ok(parser, `${name} is registered`);
    assert.equal(parser.name, name);

    for (const v of vectors) {
      void test(`complete: ${v.title}`, () => {
        if (v.expect === 'error') {
          assert.throws(() => parser.parse(v.text), ReasoningParseError);
        } else {
          assert.deepEqual({ ...parser.parse(v.text) }, v.expect);
        }
      });
      if (v.expect === 'error' || v.streamAgrees === false) continue;
      const expect = v.expect;
      void test(`streaming equals complete: ${v.title}`, () => {
        for (const size of [1, 2, 3, 7, 1000]) {
          assert.deepEqual(streamInChunks(parser, v.text, size), expect, `chunks of ${size}`);
        }
        for (let seed = 1; seed <= 20; seed++) {
          assert.deepEqual(
            streamInChunks(parser, v.text, randomSizes(seed)),
            expect,
            `seed ${seed}`,
          );
        }
      });
    }

    void test('a parse is repeatable (no state kept between calls)', () => {
      for (const v of vectors) {
        if (v.expect === 'error' || v.text.length > 10_000) continue;
        assert.deepEqual(parser.parse(v.text), parser.parse(v.text));
      }
    });

    void test('streaming holds at most a marker prefix, not the text', () => {
      const stream = parser.stream();
      let fed = 0;
      let out = 0;
      const count = (r: ReasoningResult): void => {
        out += r.normalText.length + r.reasoningText.length;
      };
      count(stream.push(opening));
      const piece = 'abcdefgh<ij|'.repeat(90);
      for (let i = 0; i < 200; i++) {
        count(stream.push(piece));
        fed += piece.length;
        assert.ok(fed - out <= 64, `held ${fed - out} chars after ${fed}`);
      }
      count(stream.finish());
      assert.equal(out, fed);
    });

    void test('streaming refuses a chunk over the 4 MiB buffer limit unless passthrough', () => {
      const big = 'x'.repeat(4 * 1024 * 1024 + 1);
      const stream = parser.stream();
      if (name === 'passthrough') assert.equal(stream.push(big).normalText.length, big.length);
      else assert.throws(() => stream.push(big), ReasoningParseError);
    });
  });
}
