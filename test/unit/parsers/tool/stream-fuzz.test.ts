/**
 * Seeded fuzz over tool-b's parsers: mutated contract-vector texts (cut, spliced, with markup
 * characters inserted) streamed in random chunks must end with the complete parse. (The same
 * mutations were checked against SMG's own parsers while writing them: tens of thousands of
 * complete parses agreed; that harness needs Rust and is not part of the suite.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toolParser } from '../../../../src/parsers/tool';
import { TOOL_VECTORS } from '../../../contract/tool-vectors/index';
import { TOOLS_B } from '../../../contract/tool-vectors/tools-b';
import { plain, streamChunks } from './stream-check';

const PARSERS = [
  'deepseek_v4',
  'glm45_moe',
  'glm47_moe',
  'step3',
  'sarashina',
  'kimik2',
  'kimi_k3',
  'inkling',
  'minimax_m2',
  'cohere',
];
const FRAGMENTS = [
  '\ud800',
  '\udc00',
  '\u0000',
  ' ',
  '\n',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  '<',
  '>',
  '|',
  '=',
  ':',
  ',',
  '\\',
  '<|',
  '</',
  '<｜',
  '\u3000',
];

function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

function mutate(text: string, pool: readonly string[], rnd: (n: number) => number): string {
  let s = text;
  for (let j = 0, k = 1 + rnd(4); j < k; j++) {
    const i = rnd(s.length + 1);
    switch (rnd(4)) {
      case 0:
        s = s.slice(0, i) + s.slice(i + 1 + rnd(5));
        break;
      case 1:
        s = s.slice(0, i) + (FRAGMENTS[rnd(FRAGMENTS.length)] ?? '') + s.slice(i);
        break;
      case 2: {
        const src = pool[rnd(pool.length)] ?? '';
        const a = rnd(src.length + 1);
        s = s.slice(0, i) + src.slice(a, a + 1 + rnd(40)) + s.slice(i);
        break;
      }
      default: {
        const a = rnd(s.length + 1);
        s = s.slice(0, i) + s.slice(a, a + rnd(30)) + s.slice(i);
      }
    }
  }
  return s;
}

for (const name of PARSERS) {
  void test(`${name}: mutated vectors stream (random chunks) to the complete parse`, () => {
    const parser = toolParser(name);
    const pool = TOOL_VECTORS.find((v) => v.parser === name)?.vectors.map((v) => v.text) ?? [];
    assert.ok(parser && pool.length > 0);
    const rnd = lcg(name.length * 7919);
    for (let n = 0; n < 400; n++) {
      const text = mutate(pool[rnd(pool.length)] ?? '', pool, rnd);
      const chunks: string[] = [];
      for (let i = 0; i < text.length;) {
        const k = 1 + rnd(9);
        chunks.push(text.slice(i, i + k));
        i += k;
      }
      const complete = plain(parser.parse(text, TOOLS_B));
      assert.deepEqual(
        plain(streamChunks(parser, chunks, TOOLS_B)),
        complete,
        JSON.stringify(text),
      );
    }
  });
}
