/**
 * `sarashina` (SoftBank Sarashina), SMG's `SarashinaParser`: a Python-literal list of dicts,
 * after an optional `<|tool_calls|>` marker (usually stripped by detokenisation):
 *
 *   <|tool_calls|>[{'name': 'get_weather', 'arguments': {'city': 'Tokyo'}}]
 *
 * - the payload is the first `[`/`{` after the marker (without a marker: only when nothing but
 *   whitespace precedes it) up to its balanced closing bracket (quotes `'`/`"` and escapes
 *   skipped); a single dict counts as a one-element list;
 * - each dict with a string `name` is a call; `arguments` (any value) is serialised, `{}` when
 *   absent; the payload must parse as Python literals, else there is no call;
 * - with calls, normal text is the text before the marker plus the text after the payload;
 *   without, the whole text minus the marker; either way trimmed.
 *
 * Known divergence while streaming: a bare (marker-less) list is final once it closes, even if a
 * `<|tool_calls|>` marker follows later (the complete parse would then use the marked payload);
 * a marker that arrives before the bare list closes is handled as the complete parse does.
 */
import type { ToolCall, ToolParser, ToolStreamStep } from './types';
import { serializeJson, type JsonValue } from './common/json';
import { partialMarkerSuffix } from './common/markers';
import { parseWithStream, StepBuilder } from './common/stream';
import { isRustWhitespaceCode } from './common/text';
import { TrimFilter } from './common/text-filters';
import { batchWhileWaiting, type HintedStream, type WaitHint } from './common/wait-batch';
import { parsePythonLiteral, PythonSyntaxError } from './python-literal';

const MARKER = '<|tool_calls|>';

/** Finds the balanced end of the bracket at `buf[0]`, resumably (SMG's `find_balanced_end`). */
class BalancedEnd {
  private i = 0;
  private depth = 0;
  private quote = 0;
  private escaped = false;

  private open = 0;
  private close = 0;

  scan(buf: string): number {
    this.open = buf.charCodeAt(0);
    this.close = this.open === 0x5b ? 0x5d : 0x7d;
    for (; this.i < buf.length; this.i++) if (this.step(buf.charCodeAt(this.i))) return ++this.i;
    return -1;
  }

  /** True when `c` closes the payload. */
  private step(c: number): boolean {
    if (this.quote !== 0) {
      if (this.escaped) this.escaped = false;
      else if (c === 0x5c) this.escaped = true;
      else if (c === this.quote) this.quote = 0;
    } else if (c === 0x27 || c === 0x22) this.quote = c;
    else if (c === this.open) this.depth++;
    else if (c === this.close && --this.depth === 0) return true;
    return false;
  }

  /** A hint that follows new chunks from this state and fires when the payload closes. */
  hint(): WaitHint {
    const probe = new BalancedEnd();
    Object.assign(probe, { depth: this.depth, quote: this.quote, escaped: this.escaped });
    probe.open = this.open;
    probe.close = this.close;
    return {
      arrived: (chunk) => {
        for (let k = 0; k < chunk.length; k++) if (probe.step(chunk.charCodeAt(k))) return true;
        return false;
      },
    };
  }
}

function pythonValue(payload: string): JsonValue | undefined {
  try {
    return parsePythonLiteral(payload);
  } catch (e) {
    if (e instanceof PythonSyntaxError) return undefined;
    throw e;
  }
}

/** SMG's `parse_payload`: the calls of a balanced payload ([] when it is not a tool-call list). */
export function sarashinaCalls(payload: string): ToolCall[] {
  const value = pythonValue(payload);
  const items = Array.isArray(value) ? value : value instanceof Map ? [value] : [];
  const calls: ToolCall[] = [];
  for (const item of items) {
    if (!(item instanceof Map)) continue;
    const name = item.get('name');
    if (typeof name !== 'string') continue;
    const args = item.get('arguments');
    calls.push({ name, arguments: args === undefined ? '{}' : serializeJson(args) });
  }
  return calls;
}

type State = 'start' | 'text' | 'afterMarker' | 'payload' | 'done';

/** The incremental parse: one method per state, each a transition (false: needs input). */
class SarashinaStream implements HintedStream {
  private readonly out = new StepBuilder();
  private readonly normal = new TrimFilter();
  private state: State = 'start';
  private buf = '';
  private gap = ''; // text between the marker and the payload: dropped if calls are found
  private marked = false; // a marker was seen (the payload follows it)
  private scanner = new BalancedEnd();

  push(chunk: string): ToolStreamStep {
    return this.step(chunk, false);
  }

  finish(): ToolStreamStep {
    return this.step('', true);
  }

  waitingFor(): WaitHint | undefined {
    return this.state === 'payload' && this.buf !== '' ? this.scanner.hint() : undefined;
  }

  private step(chunk: string, final: boolean): ToolStreamStep {
    this.buf += chunk;
    while (this.advance(final));
    if (final) this.out.text(this.normal.end());
    return this.out.take();
  }

  private emit(s: string): void {
    this.out.text(this.normal.push(s));
  }

  private advance(final: boolean): boolean {
    switch (this.state) {
      case 'start':
        return this.start(final);
      case 'text':
        return this.text(final);
      case 'afterMarker':
        return this.afterMarker(final);
      case 'payload':
        return this.payload(final);
      case 'done':
        this.emit(this.buf);
        this.buf = '';
        return false;
    }
  }

  /** Leading whitespace, then: a bare list (no marker anywhere yet) or plain text. */
  private start(final: boolean): boolean {
    let i = 0;
    while (i < this.buf.length && isRustWhitespaceCode(this.buf.charCodeAt(i))) i++;
    if (i === this.buf.length && !final) return false;
    const c = this.buf.charCodeAt(i);
    if (!this.buf.includes(MARKER) && (c === 0x5b || c === 0x7b)) {
      this.emit(this.buf.slice(0, i));
      this.buf = this.buf.slice(i);
      this.state = 'payload';
    } else this.state = 'text';
    return true;
  }

  private text(final: boolean): boolean {
    const m = this.buf.indexOf(MARKER);
    if (m < 0) {
      const hold = final ? 0 : partialMarkerSuffix(this.buf, [MARKER]);
      this.emit(this.buf.slice(0, this.buf.length - hold));
      this.buf = this.buf.slice(this.buf.length - hold);
      return false;
    }
    this.emit(this.buf.slice(0, m));
    this.buf = this.buf.slice(m + MARKER.length);
    this.marked = true;
    this.state = 'afterMarker';
    return true;
  }

  private afterMarker(final: boolean): boolean {
    let i = 0;
    while (i < this.buf.length && this.buf[i] !== '[' && this.buf[i] !== '{') i++;
    this.gap += this.buf.slice(0, i);
    this.buf = this.buf.slice(i);
    if (this.buf === '') return final ? this.noCall() : false;
    this.scanner = new BalancedEnd();
    this.state = 'payload';
    return true;
  }

  private payload(final: boolean): boolean {
    // A marker anywhere makes the text before it normal text (SMG searches the whole text
    // for it first), so an unfinished bare list is re-read as plain text up to the marker.
    if (!this.marked && this.buf.includes(MARKER)) {
      this.state = 'text';
      return true;
    }
    const end = this.scanner.scan(this.buf);
    if (end < 0) return final ? this.noCall() : false;
    const calls = sarashinaCalls(this.buf.slice(0, end));
    if (calls.length === 0) return this.noCall();
    for (const c of calls) this.out.call(c);
    this.gap = '';
    this.buf = this.buf.slice(end);
    this.state = 'done';
    return true;
  }

  /** No call: everything held (minus the marker) is normal text, and so is the rest. */
  private noCall(): boolean {
    this.emit(this.gap + this.buf);
    this.gap = '';
    this.buf = '';
    this.state = 'done';
    return true;
  }
}

export const sarashinaParser: ToolParser = {
  name: 'sarashina',
  parse: (text) => parseWithStream(new SarashinaStream(), text),
  stream: () => batchWhileWaiting(new SarashinaStream()),
  hasMarkers: (text) => {
    if (text.includes(MARKER)) return true;
    let i = 0;
    while (i < text.length && isRustWhitespaceCode(text.charCodeAt(i))) i++;
    if (text[i] !== '[') return false;
    i++;
    while (i < text.length && isRustWhitespaceCode(text.charCodeAt(i))) i++;
    return text[i] === '{';
  },
};
