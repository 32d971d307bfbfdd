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
import { batchWhileWaiting, waitHint, type HintedStream } from './common/wait-batch';
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

function createKimiK3Stream(): HintedStream {
  const out = new StepBuilder();
  let phase: Phase = 'pre';
  let buf = '';
  // From a `<|close|>message<|sep|>` inside an open response on, content is undecided: kept
  // verbatim if the response closes (the channel body), without those markers if it never does.
  let respRaw: string | undefined;
  let respStripped = '';

  const emitText = (s: string): void => {
    if (respRaw === undefined) out.text(s);
    else {
      respRaw += s;
      respStripped += s;
    }
  };
  const settleResponse = (closed: boolean): void => {
    if (respRaw !== undefined) out.text(closed ? respRaw : respStripped);
    respRaw = undefined;
    respStripped = '';
  };

  /** Content phases: emit text up to the next undecided `<|`, acting on markers. */
  const contentStep = (final: boolean): boolean => {
    const emit = phase !== 'afterResponse';
    let pos = 0;
    for (;;) {
      const i = buf.indexOf('<', pos);
      if (i < 0) break;
      const m = contentMarker(buf, i, phase);
      if (m === 'fail' || (m === 'more' && final)) {
        pos = i + 1;
        continue;
      }
      if (emit) emitText(buf.slice(0, i));
      if (m === 'more') {
        buf = buf.slice(i);
        return false;
      }
      if (m.kind === 'messageInResponse') respRaw = (respRaw ?? '') + buf.slice(i, m.end);
      buf = buf.slice(m.end);
      if (m.kind === 'openResponse') phase = 'response';
      else if (m.kind === 'closeResponse') {
        settleResponse(true);
        phase = 'afterResponse';
      } else if (m.kind === 'openTools') {
        settleResponse(false);
        phase = 'tools';
      }
      return true;
    }
    if (emit) emitText(buf);
    buf = '';
    if (final) settleResponse(false);
    return false;
  };

  const toolsStep = (final: boolean): boolean => {
    const close = findMarker(buf, 0, CLOSE, 'tools');
    const section = close === undefined ? buf : buf.slice(0, close.start);
    const { calls, end } = decodeCalls(section);
    for (const c of calls) out.call(c);
    if (close !== undefined || final) {
      buf = '';
      phase = 'done';
    } else {
      buf = buf.slice(end);
    }
    return false;
  };

  const step = (chunk: string, final: boolean): ToolStreamStep => {
    buf += chunk;
    for (;;) {
      if (phase === 'done') {
        buf = '';
        break;
      }
      const again = phase === 'tools' ? toolsStep(final) : contentStep(final);
      if (!again) break;
    }
    return out.take();
  };

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    // Inside the tools section nothing changes until the next closing marker.
    waitingFor: () => (phase === 'tools' && buf.length > 0 ? waitHint(CLOSE, buf) : undefined),
  };
}

export const kimiK3Parser: ToolParser = {
  name: 'kimi_k3',
  parse: (text) => parseKimiK3(text),
  stream: () => batchWhileWaiting(createKimiK3Stream()),
  hasMarkers: (text) => findMarker(text, 0, OPEN, 'tools') !== undefined,
};
