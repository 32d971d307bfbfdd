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

/** The incremental parse: one method per mode, each a state transition (false: needs input). */
class InklingStream implements HintedStream {
  private readonly allowed: ReadonlySet<string>;
  private readonly out = new StepBuilder();
  private readonly toolMarkers = new EarliestMarker(TOOL_MARKERS);
  private readonly frameEnds = new EarliestMarker(FRAME_ENDS);
  private cleaner = new SegmentCleaner();
  private extent = new ObjectExtent();
  private mode: Mode = 'text';
  private buf = '';
  private base = 0; // absolute offset of buf[0]

  constructor(tools: readonly ToolSpec[]) {
    this.allowed = new Set(tools.map((t) => t.function.name));
  }

  push(chunk: string): ToolStreamStep {
    return this.step(chunk, false);
  }

  finish(): ToolStreamStep {
    return this.step('', true);
  }

  /** An open JSON object: nothing changes until its closing brace. */
  waitingFor(): WaitHint | undefined {
    return this.mode === 'json' && this.buf.startsWith('{') ? this.extent.hint() : undefined;
  }

  private step(chunk: string, final: boolean): ToolStreamStep {
    this.buf += chunk;
    while (this.advance(final));
    return this.out.take();
  }

  private advance(final: boolean): boolean {
    switch (this.mode) {
      case 'text':
        return this.text(final);
      case 'json':
        return this.json(final);
      case 'discard':
        return this.discard(final);
      case 'end':
        return this.end(final);
    }
  }

  private drop(n: number): void {
    this.buf = this.buf.slice(n);
    this.base += n;
  }

  /** Normal text up to the next tool frame (through the segment cleaner). */
  private text(final: boolean): boolean {
    const f = this.toolMarkers.find(this.buf, this.base);
    if (f === undefined) {
      const keep = final ? 0 : partialMarkerSuffix(this.buf, TOOL_MARKERS);
      this.out.text(this.cleaner.push(this.buf.slice(0, this.buf.length - keep)));
      this.drop(this.buf.length - keep);
      if (final) this.out.text(this.cleaner.end());
      return false;
    }
    this.out.text(this.cleaner.push(this.buf.slice(0, f.index)) + this.cleaner.end());
    this.cleaner = new SegmentCleaner();
    this.drop(f.index + f.marker.length);
    this.mode = f.marker === JSON_START ? 'json' : 'discard';
    this.extent = new ObjectExtent();
    return true;
  }

  /** A JSON frame's payload: one complete object, a call when it is valid. */
  private json(final: boolean): boolean {
    this.drop(leadingWhitespace(this.buf));
    if (this.buf === '') return false;
    if (!this.buf.startsWith('{')) {
      this.mode = 'discard';
      return true;
    }
    const n = this.extent.scan(this.buf);
    if (n < 0) {
      if (final) this.mode = 'discard';
      return final;
    }
    const call = toolCallOf(this.buf.slice(0, n), this.allowed);
    this.drop(n);
    if (call === undefined) {
      this.mode = 'discard';
    } else {
      this.out.call(call);
      this.mode = 'end';
    }
    return true;
  }

  /** A dropped frame, up to and including the next end marker. */
  private discard(final: boolean): boolean {
    const f = this.frameEnds.find(this.buf, this.base);
    if (f === undefined) {
      this.drop(
        final ? this.buf.length : this.buf.length - partialMarkerSuffix(this.buf, FRAME_ENDS),
      );
      return false;
    }
    this.drop(f.index + f.marker.length);
    this.mode = 'text';
    return true;
  }

  /** After a call: whitespace and one optional end marker. */
  private end(final: boolean): boolean {
    this.drop(leadingWhitespace(this.buf));
    for (const m of FRAME_ENDS) {
      if (this.buf.startsWith(m)) {
        this.drop(m.length);
        this.mode = 'text';
        return true;
      }
    }
    if (!final && FRAME_ENDS.some((m) => m.startsWith(this.buf))) return false;
    this.mode = 'text';
    return true;
  }
}

export const inklingParser: ToolParser = {
  name: 'inkling',
  parse: (text, tools) => parseWithStream(new InklingStream(tools), text),
  stream: (tools) => batchWhileWaiting(new InklingStream(tools)),
  hasMarkers: (text) => text.includes(JSON_START) || text.includes(TEXT_START),
};
