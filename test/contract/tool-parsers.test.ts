/**
 * The contract every tool-call parser honours, run over every registered name (one suite, many
 * implementations). Format-specific cases live in test/unit/parsers/tool/<name>.test.ts.
 *
 * For each parser: every vector kind is covered; the complete parse of each vector equals SMG's
 * result; feeding the text in chunks (1, 2, 3, 7 and seeded random sizes) and reassembling the
 * steps gives the complete parse (where SMG's own streaming agrees); and the stream's held text
 * stays bounded on a megabyte of plain text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assembleSteps } from '../../src/parsers/tool/common';
import { ToolParseError, toolParser, toolParserNames } from '../../src/parsers/tool';
import type {
  ToolParser,
  ToolParseResult,
  ToolSpec,
  ToolStreamStep,
} from '../../src/parsers/tool/types';
import { DEFAULT_TOOLS } from './tool-vectors/defaults';
import { TOOL_VECTORS } from './tool-vectors/index';
import { VECTOR_KINDS, type ToolParserVectors, type ToolVector } from './tool-vectors/types';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunk(text: string, size: number | (() => number)): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = typeof size === 'number' ? size : size();
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function streamParse(
  parser: ToolParser,
  chunks: readonly string[],
  tools: readonly ToolSpec[],
): ToolParseResult {
  const s = parser.stream(tools);
  const steps: ToolStreamStep[] = chunks.map((c) => s.push(c));
  steps.push(s.finish());
  return assembleSteps(steps);
}

function plain(r: ToolParseResult): {
  normalText: string;
  calls: { name: string; arguments: string }[];
} {
  return {
    normalText: r.normalText,
    calls: r.calls.map((c) => ({ name: c.name, arguments: c.arguments })),
  };
}

function chunkings(text: string, seed: number): [string, string[]][] {
  const out: [string, string[]][] = [1, 2, 3, 7].map((n) => [`chunks of ${n}`, chunk(text, n)]);
  for (let k = 0; k < 4; k++) {
    const r = rng(seed * 31 + k);
    out.push([`random chunks #${k}`, chunk(text, () => 1 + Math.floor(r() * 16))]);
  }
  return out;
}

/** A megabyte of text with no character that starts any parser's markup. */
function plainMegabyte(): string {
  const line = 'The quick brown fox jumps over the lazy dog; 0123456789 — é ü 漢字 😀 done.\n';
  return line.repeat(Math.ceil((1 << 20) / line.length));
}

function runVector(parser: ToolParser, v: ToolVector): void {
  const tools = v.tools ?? DEFAULT_TOOLS;
  if (v.expect === 'error') {
    assert.throws(() => parser.parse(v.text, tools), ToolParseError);
    return;
  }
  assert.deepEqual(plain(parser.parse(v.text, tools)), v.expect);
}

function runStreaming(parser: ToolParser, v: ToolVector, seed: number): void {
  const tools = v.tools ?? DEFAULT_TOOLS;
  const complete = plain(parser.parse(v.text, tools));
  for (const [label, chunks] of chunkings(v.text, seed)) {
    assert.deepEqual(plain(streamParse(parser, chunks, tools)), complete, `${v.title}: ${label}`);
  }
}

function suite(name: string, set: ToolParserVectors | undefined): void {
  const parser = toolParser(name);
  void test('has vectors and a parser', () => {
    assert.ok(parser, `parser ${name} is registered`);
    assert.ok(set, `test/contract/tool-vectors has vectors for ${name}`);
    assert.equal(parser.name, name);
  });
  if (parser === undefined || set === undefined) return;

  void test('covers every vector kind', () => {
    const kinds = new Set(set.vectors.map((v) => v.kind));
    assert.deepEqual(
      VECTOR_KINDS.filter((k) => !kinds.has(k)),
      [],
    );
  });

  set.vectors.forEach((v, i) => {
    void test(`${v.kind}: ${v.title}`, () => runVector(parser, v));
    if (v.expect !== 'error' && v.streamAgrees !== false) {
      void test(`${v.kind}: ${v.title} — streamed in chunks`, () => runStreaming(parser, v, i + 1));
    }
  });

  void test('streaming holds a bounded tail of plain text', () => {
    const text = plainMegabyte();
    const s = parser.stream(DEFAULT_TOOLS);
    let fed = 0;
    let emitted = 0;
    let maxHeld = 0;
    for (const c of chunk(text, 1024)) {
      fed += c.length;
      const step = s.push(c);
      emitted += step.normalText.length;
      assert.equal(step.calls.length, 0);
      maxHeld = Math.max(maxHeld, fed - emitted);
    }
    emitted += s.finish().normalText.length;
    // Formats that trim their normal text (cohere, sarashina) drop the final newline.
    const expected = parser.parse(text, DEFAULT_TOOLS).normalText.length;
    assert.equal(emitted, expected, 'all plain text is emitted by the end');
    assert.ok(maxHeld <= 256, `held at most ${maxHeld} characters`);
    assert.equal(parser.hasMarkers(text.slice(0, 4096)), false);
  });
}

for (const name of toolParserNames()) {
  void describe(`tool parser contract: ${name}`, () => {
    suite(
      name,
      TOOL_VECTORS.find((s) => s.parser === name),
    );
  });
}

void test('every vector set names a registered parser', () => {
  const names = new Set(toolParserNames());
  assert.deepEqual(
    TOOL_VECTORS.map((s) => s.parser).filter((p) => !names.has(p)),
    [],
  );
});
