/**
 * `inkling` (Inkling TML), SMG's `InklingParser`:
 *
 *   <|message_model|>NAME<|content_invoke_tool_json|>{"name":"F","args":{…}}<|end_message|>
 *
 * - a call is a `<|content_invoke_tool_json|>` frame whose payload (after whitespace) is one
 *   complete JSON object (braces outside strings) with a string `name` among the request's tools
 *   and an object `args`; its arguments are `args` re-serialised;
 * - a frame that is malformed, names an unknown tool, or is a text-mode frame
 *   (`<|content_invoke_tool_text|>`) is dropped up to the next `<|end_message|>` or
 *   `<|content_model_end_sampling|>` (or the end of the text);
 * - after a valid call, whitespace and one end marker are skipped (a missing end marker is fine);
 * - the text outside frames is normal text with the framing removed: the control tokens go, and
 *   what follows `<|message_model|>` up to the next control token is a header and goes too
 *   (the header state restarts after every tool frame).
 */
import type { ToolCall, ToolParser, ToolSpec, ToolStreamStep } from './types';
import { asObject, serializeJson, tryParseJson } from './common/json';
import { EarliestMarker } from './common/lazy-scan';
import { partialMarkerSuffix } from './common/markers';
import { parseWithStream, StepBuilder } from './common/stream';
import { isRustWhitespaceCode } from './common/text';
import { batchWhileWaiting, type HintedStream, type WaitHint } from './common/wait-batch';

const JSON_START = '<|content_invoke_tool_json|>';
const TEXT_START = '<|content_invoke_tool_text|>';
const END_MESSAGE = '<|end_message|>';
const MESSAGE_MODEL = '<|message_model|>';
const MODEL_END_SAMPLING = '<|content_model_end_sampling|>';
const CONTROLS = [
  MESSAGE_MODEL,
  '<|content_text|>',
  '<|content_thinking|>',
  END_MESSAGE,
  MODEL_END_SAMPLING,
];
const TOOL_MARKERS = [JSON_START, TEXT_START];
const FRAME_ENDS = [END_MESSAGE, MODEL_END_SAMPLING];

/** The normal-text cleaner of one segment between tool frames, fed in pieces. */
class SegmentCleaner {
  private held = '';
  private inHeader = false;
  private readonly controls = new EarliestMarker(CONTROLS);
  private base = 0; // absolute offset of held[0]

  push(text: string): string {
    const s = this.held + text;
    let out = '';
    let pos = 0;
    for (;;) {
      const f = this.controls.find(s, this.base, pos);
      if (f === undefined) break;
      if (!this.inHeader) out += s.slice(pos, f.index);
      pos = f.index + f.marker.length;
      this.inHeader = f.marker === MESSAGE_MODEL;
    }
    const keep = partialMarkerSuffix(s.slice(Math.max(pos, s.length - 64)), CONTROLS);
    const cut = Math.max(pos, s.length - keep);
    if (!this.inHeader) out += s.slice(pos, cut);
    this.held = s.slice(cut);
    this.base += cut;
    return out;
  }

  /** Ends the segment (a tool frame starts, or the text ends). */
  end(): string {
    const out = this.inHeader ? '' : this.held;
    this.held = '';
    this.inHeader = false;
    return out;
  }
}

/** Finds where one JSON object closes (only braces count, strings skipped), resumably. */
class ObjectExtent {
  private i = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Index just past the object's closing brace in `s` (which starts with `{`), or -1. */
  scan(s: string): number {
    for (; this.i < s.length; this.i++) if (this.step(s.charCodeAt(this.i))) return ++this.i;
    return -1;
  }

  /** True when `c` closes the object. */
  private step(c: number): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === 0x5c) this.escaped = true;
      else if (c === 0x22) this.inString = false;
      return false;
    }
    if (c === 0x22) this.inString = true;
    else if (c === 0x7b) this.depth++;
    else if (c === 0x7d && --this.depth === 0) return true;
    return false;
  }

  /** A hint that follows new chunks from this state and fires when the object closes. */
  hint(): WaitHint {
    const probe = new ObjectExtent();
    probe.depth = this.depth;
    probe.inString = this.inString;
    probe.escaped = this.escaped;
    return {
      arrived: (chunk) => {
        for (let k = 0; k < chunk.length; k++) if (probe.step(chunk.charCodeAt(k))) return true;
        return false;
      },
    };
  }
}

function toolCallOf(json: string, allowed: ReadonlySet<string>): ToolCall | undefined {
  const obj = asObject(tryParseJson(json));
  const name = obj?.get('name');
  const args = asObject(obj?.get('args'));
  if (typeof name !== 'string' || args === undefined || !allowed.has(name)) return undefined;
  return { name, arguments: serializeJson(args) };
}

type Mode = 'text' | 'json' | 'discard' | 'end';

function leadingWhitespace(s: string): number {
  let i = 0;
  while (i < s.length && isRustWhitespaceCode(s.charCodeAt(i))) i++;
  return i;
}

function createInklingStream(tools: readonly ToolSpec[]): HintedStream {
  const allowed = new Set(tools.map((t) => t.function.name));
  const out = new StepBuilder();
  let cleaner = new SegmentCleaner();
  let mode: Mode = 'text';
  let buf = '';
  let extent = new ObjectExtent();
  const toolMarkers = new EarliestMarker(TOOL_MARKERS);
  const frameEnds = new EarliestMarker(FRAME_ENDS);
  let base = 0; // absolute offset of buf[0]
  const drop = (n: number): void => {
    buf = buf.slice(n);
    base += n;
  };

  /** One state transition; false when more input is needed. */
  const advance = (final: boolean): boolean => {
    switch (mode) {
      case 'text': {
        const f = toolMarkers.find(buf, base);
        if (f === undefined) {
          const keep = final ? 0 : partialMarkerSuffix(buf, TOOL_MARKERS);
          out.text(cleaner.push(buf.slice(0, buf.length - keep)));
          drop(buf.length - keep);
          if (final) out.text(cleaner.end());
          return false;
        }
        out.text(cleaner.push(buf.slice(0, f.index)) + cleaner.end());
        cleaner = new SegmentCleaner();
        drop(f.index + f.marker.length);
        mode = f.marker === JSON_START ? 'json' : 'discard';
        extent = new ObjectExtent();
        return true;
      }
      case 'json': {
        drop(leadingWhitespace(buf));
        if (buf === '') return false;
        if (!buf.startsWith('{')) {
          mode = 'discard';
          return true;
        }
        const n = extent.scan(buf);
        if (n < 0) {
          if (final) mode = 'discard';
          return final;
        }
        const call = toolCallOf(buf.slice(0, n), allowed);
        drop(n);
        if (call === undefined) {
          mode = 'discard';
        } else {
          out.call(call);
          mode = 'end';
        }
        return true;
      }
      case 'discard': {
        const f = frameEnds.find(buf, base);
        if (f === undefined) {
          drop(final ? buf.length : buf.length - partialMarkerSuffix(buf, FRAME_ENDS));
          return false;
        }
        drop(f.index + f.marker.length);
        mode = 'text';
        return true;
      }
      case 'end': {
        drop(leadingWhitespace(buf));
        for (const m of FRAME_ENDS) {
          if (buf.startsWith(m)) {
            drop(m.length);
            mode = 'text';
            return true;
          }
        }
        if (!final && FRAME_ENDS.some((m) => m.startsWith(buf))) return false;
        mode = 'text';
        return true;
      }
    }
  };

  const step = (chunk: string, final: boolean): ToolStreamStep => {
    buf += chunk;
    while (advance(final));
    return out.take();
  };

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    // An open JSON object: nothing changes until its closing brace.
    waitingFor: () => (mode === 'json' && buf.startsWith('{') ? extent.hint() : undefined),
  };
}

export const inklingParser: ToolParser = {
  name: 'inkling',
  parse: (text, tools) => parseWithStream(createInklingStream(tools), text),
  stream: (tools) => batchWhileWaiting(createInklingStream(tools)),
  hasMarkers: (text) => text.includes(JSON_START) || text.includes(TEXT_START),
};
