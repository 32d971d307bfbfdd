/**
 * The shape most SMG formats share ("section" formats: qwen, qwen_xml, deepseek*, DSML, …):
 *
 * - no section marker S in the text → everything is normal text;
 * - normal text = the text before the first S (optionally with trailing whitespace trimmed);
 * - calls = every block `B … E` (lazy: the first E after each B; scanning resumes after E)
 *   after S, each parsed by the format into zero or more calls;
 * - text after S outside blocks is dropped — unless no block gave a call, in which case the
 *   result is the whole text (`noCalls: 'whole'`) or just the normal text (`noCalls: 'prefix'`).
 *
 * One incremental state machine implements it; the complete parse runs the same machine over the
 * whole text, so streaming agrees with the complete parse by construction. While streaming it
 * holds: before S, a possible S prefix (and trailing whitespace when trimming); after S, the
 * current unfinished block, plus — only until the first call is found, and only in `whole` mode —
 * the section text that would become normal text if no call is ever found.
 *
 * Known divergence: SMG's block regex also matches blocks placed before S; this machine only
 * looks after S (such text is not produced by any model template).
 */
import type { ToolCall, ToolParser, ToolSpec, ToolStreamStep } from '../types';
import { MarkerSearch, partialMarkerSuffix } from './markers';
import { parseWithStream, StepBuilder } from './stream';
import { trailingWhitespaceLength } from './text';
import { batchWhileWaiting, waitHint, type HintedStream } from './wait-batch';

export interface SectionFormat {
  readonly name: string;
  /** S: the first occurrence starts the tool section. */
  readonly sectionStart: string;
  /** B: starts one block (may equal S or start with it). */
  readonly blockStart: string;
  /** E: ends the block. */
  readonly blockEnd: string;
  /** Calls in the block content (text between B and E); [] when SMG skips the block. */
  parseBlock(content: string, tools: readonly ToolSpec[]): readonly ToolCall[];
  /** Result when no block gave a call: the whole text, or only the text before S. */
  readonly noCalls: 'whole' | 'prefix';
  /** Normal text before S is trimmed at its end (Rust `trim_end`). */
  readonly trimNormalEnd?: boolean;
}

/** A complete ToolParser for a section format. */
export function createSectionParser(format: SectionFormat): ToolParser {
  return {
    name: format.name,
    parse: (text, tools) => parseWithStream(createSectionStream(format, tools), text),
    // Streams wait for a long block's end marker in O(chunk) per chunk (common/wait-batch.ts).
    stream: (tools) => batchWhileWaiting(createSectionStream(format, tools)),
    hasMarkers: (text) => text.includes(format.sectionStart),
  };
}

/** The incremental parse of a section format. */
export function createSectionStream(
  format: SectionFormat,
  tools: readonly ToolSpec[],
): HintedStream {
  const out = new StepBuilder();
  const endSearch = new MarkerSearch(format.blockEnd);
  const keepWhole = format.noCalls === 'whole';
  let inSection = false;
  let buf = ''; // before S: undecided text; in the section: text not yet scanned for blocks
  let pendingWhole: string[] = []; // section text that is normal text if no call is ever found

  function before(final: boolean): void {
    const s = buf.indexOf(format.sectionStart);
    if (s >= 0) {
      const normal = buf.slice(0, s);
      out.text(
        format.trimNormalEnd === true
          ? normal.slice(0, normal.length - trailingWhitespaceLength(normal))
          : normal,
      );
      buf = buf.slice(s);
      inSection = true;
      return;
    }
    let hold = final ? 0 : partialMarkerSuffix(buf, [format.sectionStart]);
    if (!final && format.trimNormalEnd === true) {
      hold += trailingWhitespaceLength(buf.slice(0, buf.length - hold));
    }
    out.text(buf.slice(0, buf.length - hold));
    buf = buf.slice(buf.length - hold);
  }

  function consume(n: number): void {
    if (keepWhole && out.count === 0 && n > 0) pendingWhole.push(buf.slice(0, n));
    buf = buf.slice(n);
    endSearch.reset();
  }

  function section(): void {
    for (;;) {
      const b = buf.indexOf(format.blockStart);
      if (b < 0) {
        consume(buf.length - partialMarkerSuffix(buf, [format.blockStart]));
        return;
      }
      if (b > 0) consume(b);
      const e = endSearch.find(buf, format.blockStart.length);
      if (e < 0) return;
      const calls = format.parseBlock(buf.slice(format.blockStart.length, e), tools);
      for (const c of calls) out.call(c);
      if (calls.length > 0) pendingWhole = [];
      consume(e + format.blockEnd.length);
    }
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    buf += chunk;
    if (!inSection) before(final);
    if (inSection) section();
    if (final && inSection && out.count === 0 && keepWhole) {
      out.text(pendingWhole.join('') + buf);
      pendingWhole = [];
      buf = '';
    }
    return out.take();
  }

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    // Inside an unfinished block nothing changes until its end marker arrives.
    waitingFor: () =>
      inSection && buf.startsWith(format.blockStart) ? waitHint(format.blockEnd, buf) : undefined,
  };
}
