/**
 * Keeps streaming linear while a parser waits for the end of a long call.
 *
 * Appending each chunk to a held buffer and searching it again costs O(held) per chunk (a V8
 * cons string is flattened — copied — by every search), so a megabyte-long call streamed in
 * small SSE chunks would cost O(n²). A parser that can name a literal that must appear before
 * anything can change (the end marker of the block it is in) reports it through `waitingFor`;
 * this wrapper then only checks each new chunk (plus the few characters before it) for that
 * literal, collects the chunks, and hands them to the parser in one piece when it shows up.
 * Feeding the same text in other chunks cannot change a parser's result, so the output is
 * identical; each chunk costs O(chunk + marker) while waiting.
 */
import type { ToolStreamParser, ToolStreamStep } from '../types';

/** What a parser waits for: `arrived` sees each new chunk and says when the parser needs the text. */
export interface WaitHint {
  arrived(chunk: string): boolean;
}

/** A stream that can tell what it is waiting for (undefined: it is not just waiting). */
export interface HintedStream extends ToolStreamParser {
  waitingFor(): WaitHint | undefined;
}

/** The hint for a parser holding `held` until `marker` appears (checks the seams between chunks). */
export function waitHint(marker: string, held: string): WaitHint {
  const keep = (s: string): string => (marker.length > 1 ? s.slice(1 - marker.length) : '');
  let tail = keep(held);
  return {
    arrived(chunk: string): boolean {
      const region = tail + chunk;
      tail = keep(region);
      return region.includes(marker);
    },
  };
}

function merge(a: ToolStreamStep, b: ToolStreamStep): ToolStreamStep {
  return { normalText: a.normalText + b.normalText, calls: [...a.calls, ...b.calls] };
}

const NOTHING: ToolStreamStep = { normalText: '', calls: [] };

/** `inner` with chunks collected while it waits for a marker. */
export function batchWhileWaiting(inner: HintedStream): ToolStreamParser {
  let wait: WaitHint | undefined;
  let pieces: string[] = [];

  const release = (chunk: string): string => {
    const all = pieces.join('') + chunk;
    pieces = [];
    wait = undefined;
    return all;
  };

  return {
    push(chunk: string): ToolStreamStep {
      let text = chunk;
      if (wait !== undefined) {
        if (!wait.arrived(chunk)) {
          pieces.push(chunk);
          return NOTHING;
        }
        text = release(chunk);
      }
      const step = inner.push(text);
      wait = inner.waitingFor();
      return step;
    },
    finish(): ToolStreamStep {
      const held = pieces.length > 0 ? inner.push(release('')) : NOTHING;
      return merge(held, inner.finish());
    },
  };
}
