/**
 * Checks shared by tool-b's per-parser unit files: our incremental parse must end with exactly
 * our complete parse for every contract vector and every chunking (stronger than the contract
 * suite, which skips vectors where SMG's own streaming disagrees), and large inputs must parse
 * in linear time without holding the whole text.
 */
import assert from 'node:assert/strict';
import { assembleSteps } from '../../../../src/parsers/tool/common';
import type {
  ToolParser,
  ToolParseResult,
  ToolSpec,
  ToolStreamStep,
} from '../../../../src/parsers/tool/types';
import type { ToolVector } from '../../../contract/tool-vectors/types';

/** Deterministic chunk sizes 1..maxSize (xorshift), so failures reproduce. */
export function chunkText(text: string, sizes: number | readonly number[], seed = 7): string[] {
  const out: string[] = [];
  let x = seed || 1;
  for (let i = 0; i < text.length;) {
    let n: number;
    if (typeof sizes === 'number') n = sizes;
    else {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      n = sizes[Math.abs(x) % sizes.length] ?? 1;
    }
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

export function streamChunks(
  parser: ToolParser,
  chunks: readonly string[],
  tools: readonly ToolSpec[],
): ToolParseResult {
  const s = parser.stream(tools);
  const steps: ToolStreamStep[] = chunks.map((c) => s.push(c));
  steps.push(s.finish());
  return assembleSteps(steps);
}

export function plain(r: ToolParseResult): {
  normalText: string;
  calls: { name: string; arguments: string }[];
} {
  return {
    normalText: r.normalText,
    calls: r.calls.map((c) => ({ name: c.name, arguments: c.arguments })),
  };
}

/** Every chunking of every vector's text streams to the complete parse. */
export function assertStreamsMatchComplete(
  parser: ToolParser,
  vectors: readonly ToolVector[],
  tools: readonly ToolSpec[],
): void {
  for (const v of vectors) {
    const t = v.tools ?? tools;
    const complete = plain(parser.parse(v.text, t));
    const chunkings: [string, string[]][] = [
      ...[1, 2, 3, 5, 7, 11].map((n): [string, string[]] => [`size ${n}`, chunkText(v.text, n)]),
      ['mixed', chunkText(v.text, [1, 2, 4, 9, 16, 33])],
      ['whole', [v.text]],
    ];
    for (const [label, chunks] of chunkings) {
      assert.deepEqual(plain(streamChunks(parser, chunks, t)), complete, `${v.title} (${label})`);
    }
  }
}

/**
 * Parses `text` completely and streams it in 4 KiB chunks. `maxLag` is the largest number of
 * calls whose `endMarker` had been fed but which were not emitted yet: a stream that emits
 * each call as soon as it ends (and so holds only the unfinished one) keeps it at most 1.
 */
export function bigInput(
  parser: ToolParser,
  text: string,
  tools: readonly ToolSpec[],
  endMarker: string,
): { complete: ToolParseResult; streamed: ToolParseResult; maxLag: number } {
  const complete = parser.parse(text, tools);
  const s = parser.stream(tools);
  const steps: ToolStreamStep[] = [];
  let fedEnds = 0;
  let searchFrom = 0;
  let fed = 0;
  let emitted = 0;
  let maxLag = 0;
  for (const c of chunkText(text, 4096)) {
    fed += c.length;
    for (;;) {
      const i = text.indexOf(endMarker, searchFrom);
      if (i < 0 || i + endMarker.length > fed) break;
      fedEnds++;
      searchFrom = i + endMarker.length;
    }
    const step = s.push(c);
    for (const d of step.calls) if (d.name !== undefined) emitted++;
    maxLag = Math.max(maxLag, fedEnds - emitted);
    steps.push(step);
  }
  steps.push(s.finish());
  return { complete, streamed: assembleSteps(steps), maxLag };
}
