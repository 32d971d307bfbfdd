/**
 * `kimi_k3` (Kimi-K3 XTML), SMG's `KimiK3Parser`:
 *
 *   <|open|>response<|sep|> CONTENT <|close|>response<|sep|>
 *   <|open|>tools<|sep|>
 *     <|open|>call tool="NAME" index="N"<|sep|>
 *       <|open|>argument key="K" type="T"<|sep|>VALUE<|close|>argument<|sep|>
 *     <|close|>call<|sep|>
 *   <|close|>tools<|sep|>
 *
 * Markers allow whitespace inside (`<|open|> tools <|sep|>`). Calls are the complete `call`
 * blocks between the first tools opener and the next tools closer (or the end); a call without a
 * `tool` attribute is skipped; names are not checked against the tools. An argument of
 * `type="string"` (the default) is its raw text; any other type is parsed as JSON, falling back
 * to the raw text. Attribute values are unescaped (`&quot;`, then `&amp;`).
 *
 * Normal text ("content"): the body of the first complete `response` channel anywhere in the
 * output; else the text before the tools opener (all of it when there is none) with a response
 * opener's prefix cut, `<|close|>response<|sep|>` removed, then `<|close|>message<|sep|>` removed.
 *
 * Streaming emits content as it arrives for the shapes K3 produces (a response channel first, or
 * a prefilled one whose closer ends the content) and calls as each completes. Known divergences
 * from the complete parse, which is the reference: text before a late response opener has
 * already been emitted; a response channel that only closes after the tools opener (or one
 * that opens after plain text was emitted) does not replace the content streamed so far.
 */
import type { ToolCall, ToolParser, ToolStreamStep } from './types';
import { serializeJson, tryParseJson, type JsonObject } from './common/json';
import { StepBuilder } from './common/stream';
import { batchWhileWaiting, waitHint, type HintedStream, type WaitHint } from './common/wait-batch';
import {
  CLOSE,
  OPEN,
  findMarker,
  markerAt,
  removeMarkers,
  scanBlocks,
  xtmlAttrs,
} from './common/xtml';

function decodeCall(attrs: string, body: string): ToolCall | undefined {
  const name = xtmlAttrs(attrs).get('tool') ?? '';
  if (name === '') return undefined;
  const args: JsonObject = new Map();
  for (const arg of scanBlocks(body, 'argument').blocks) {
    const a = xtmlAttrs(arg.attrs);
    const parsed = (a.get('type') ?? 'string') === 'string' ? undefined : tryParseJson(arg.body);
    args.set(a.get('key') ?? '', parsed !== undefined ? parsed : arg.body);
  }
  return { name, arguments: serializeJson(args) };
}

/** The calls of complete `call` blocks in `section`, and where the last one ended. */
function decodeCalls(section: string): { calls: ToolCall[]; end: number } {
  const { blocks, end } = scanBlocks(section, 'call');
  const calls: ToolCall[] = [];
  for (const b of blocks) {
    const c = decodeCall(b.attrs, b.body);
    if (c !== undefined) calls.push(c);
  }
  return { calls, end };
}

function content(output: string, before: string): string {
  const open = findMarker(output, 0, OPEN, 'response');
  const close = open && findMarker(output, open.end, CLOSE, 'response');
  if (open !== undefined && close !== undefined) return output.slice(open.end, close.start);
  const o = findMarker(before, 0, OPEN, 'response');
  const stripped = o !== undefined ? before.slice(o.end) : removeMarkers(before, CLOSE, 'response');
  return removeMarkers(stripped, CLOSE, 'message');
}

/** The complete parse (SMG's `parse_complete`). */
function parseKimiK3(output: string): { normalText: string; calls: ToolCall[] } {
  const tools = findMarker(output, 0, OPEN, 'tools');
  if (tools === undefined) return { normalText: content(output, output), calls: [] };
  const close = findMarker(output, tools.end, CLOSE, 'tools');
  const section = output.slice(tools.end, close?.start ?? output.length);
  return {
    normalText: content(output, output.slice(0, tools.start)),
    calls: decodeCalls(section).calls,
  };
}

type Phase = 'pre' | 'response' | 'afterResponse' | 'tools' | 'done';

/** What a `<|` at `i` turns out to be while streaming content. */
function contentMarker(
  buf: string,
  i: number,
  phase: Phase,
): { kind: string; end: number } | 'fail' | 'more' {
  const candidates: [string, string, string][] =
    phase === 'pre'
      ? [
          [OPEN, 'response', 'openResponse'],
          [OPEN, 'tools', 'openTools'],
          [CLOSE, 'response', 'drop'],
          [CLOSE, 'message', 'drop'],
        ]
      : phase === 'response'
        ? [
            [CLOSE, 'response', 'closeResponse'],
            [OPEN, 'tools', 'openTools'],
            [CLOSE, 'message', 'messageInResponse'],
          ]
        : [[OPEN, 'tools', 'openTools']];
  let more = false;
  for (const [head, word, kind] of candidates) {
    const r = markerAt(buf, i, head, word);
    if (typeof r === 'number') return { kind, end: r };
    if (r === 'more') more = true;
  }
  return more ? 'more' : 'fail';
}

/** The incremental parse: content phases, then the tools section. */
class KimiK3Stream implements HintedStream {
  private readonly out = new StepBuilder();
  private phase: Phase = 'pre';
  private buf = '';
  // From a `<|close|>message<|sep|>` inside an open response on, content is undecided: kept
  // verbatim if the response closes (the channel body), without those markers if it never does.
  private respRaw: string | undefined;
  private respStripped = '';

  push(chunk: string): ToolStreamStep {
    return this.step(chunk, false);
  }

  finish(): ToolStreamStep {
    return this.step('', true);
  }

  /** Inside the tools section nothing changes until the next closing marker. */
  waitingFor(): WaitHint | undefined {
    return this.phase === 'tools' && this.buf.length > 0 ? waitHint(CLOSE, this.buf) : undefined;
  }

  private step(chunk: string, final: boolean): ToolStreamStep {
    this.buf += chunk;
    for (;;) {
      if (this.phase === 'done') {
        this.buf = '';
        break;
      }
      const again = this.phase === 'tools' ? this.tools(final) : this.content(final);
      if (!again) break;
    }
    return this.out.take();
  }

  private emitText(s: string): void {
    if (this.respRaw === undefined) this.out.text(s);
    else {
      this.respRaw += s;
      this.respStripped += s;
    }
  }

  private settleResponse(closed: boolean): void {
    if (this.respRaw !== undefined) this.out.text(closed ? this.respRaw : this.respStripped);
    this.respRaw = undefined;
    this.respStripped = '';
  }

  /** Content phases: emit text up to the next undecided `<`, acting on markers. */
  private content(final: boolean): boolean {
    const emit = this.phase !== 'afterResponse';
    const buf = this.buf;
    for (let i = buf.indexOf('<'); i >= 0; i = buf.indexOf('<', i + 1)) {
      const m = contentMarker(buf, i, this.phase);
      if (m === 'fail' || (m === 'more' && final)) continue;
      if (emit) this.emitText(buf.slice(0, i));
      if (m === 'more') {
        this.buf = buf.slice(i);
        return false;
      }
      if (m.kind === 'messageInResponse') this.respRaw = (this.respRaw ?? '') + buf.slice(i, m.end);
      this.buf = buf.slice(m.end);
      this.enter(m.kind);
      return true;
    }
    if (emit) this.emitText(buf);
    this.buf = '';
    if (final) this.settleResponse(false);
    return false;
  }

  private enter(kind: string): void {
    if (kind === 'openResponse') this.phase = 'response';
    else if (kind === 'closeResponse') {
      this.settleResponse(true);
      this.phase = 'afterResponse';
    } else if (kind === 'openTools') {
      this.settleResponse(false);
      this.phase = 'tools';
    }
  }

  /** The tools section: emit each complete call; the section ends at its closer. */
  private tools(final: boolean): boolean {
    const close = findMarker(this.buf, 0, CLOSE, 'tools');
    const section = close === undefined ? this.buf : this.buf.slice(0, close.start);
    const { calls, end } = decodeCalls(section);
    for (const c of calls) this.out.call(c);
    if (close !== undefined || final) {
      this.buf = '';
      this.phase = 'done';
    } else {
      this.buf = this.buf.slice(end);
    }
    return false;
  }
}

export const kimiK3Parser: ToolParser = {
  name: 'kimi_k3',
  parse: (text) => parseKimiK3(text),
  stream: () => batchWhileWaiting(new KimiK3Stream()),
  hasMarkers: (text) => findMarker(text, 0, OPEN, 'tools') !== undefined,
};
