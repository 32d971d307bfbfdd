/**
 * `minimax_m2` (MiniMax M2), SMG's `MinimaxM2Parser`:
 *
 *   <minimax:tool_call>
 *   <invoke name="F"><parameter name="K">V</parameter>…</invoke>   (one or more invokes)
 *   </minimax:tool_call>
 *
 * - no `<minimax:tool_call>` → the whole text is normal text;
 * - every `<minimax:tool_call>…</minimax:tool_call>` wrapper gives one call per complete invoke;
 *   names are trimmed and not checked against the tools;
 * - normal text is the text before the first wrapper that gives a call (so an earlier empty or
 *   broken wrapper stays in it); text after it outside wrappers is dropped; when no wrapper gives
 *   a call the whole text is returned;
 * - parameter names are trimmed, values are not; `&lt; &gt; &amp; &quot; &apos;` are decoded
 *   (in that order), then the value is converted by its declared schema type, else
 *   true/True/false/False/null/None, integers and floats are recognised, else it is a string.
 */
import type { ToolCall, ToolParser, ToolSpec, ToolStreamStep } from './types';
import { serializeJson, type JsonObject } from './common/json';
import { quotedAttribute, scanTags, type TagHeader } from './common/lazy-scan';
import { MarkerSearch, partialMarkerSuffix } from './common/markers';
import { coerceBySchemaType, paramTypesForFunction } from './common/schema';
import { parseWithStream, StepBuilder } from './common/stream';
import { rustTrim } from './common/text';
import { batchWhileWaiting, waitHint, type HintedStream } from './common/wait-batch';
import { inferLiteralValue } from './common/xml-values';

const START = '<minimax:tool_call>';
const END = '</minimax:tool_call>';

/** `\s+name="([^"]+)">` */
function nameHeader(text: string, pos: number): TagHeader | undefined {
  const a = quotedAttribute(text, pos, 'name', 1);
  if (a === undefined || text.charCodeAt(a.end) !== 0x3e) return undefined;
  return { end: a.end + 1, attrs: [a.value] };
}

function decodeEntities(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'");
}

/** The calls of one wrapper's content. */
export function minimaxCalls(content: string, tools: readonly ToolSpec[]): ToolCall[] {
  return scanTags(content, '<invoke', nameHeader, '</invoke>').map((inv) => {
    const name = rustTrim(inv.attrs[0] ?? '');
    const types = paramTypesForFunction(tools, name);
    const args: JsonObject = new Map();
    for (const p of scanTags(inv.body, '<parameter', nameHeader, '</parameter>')) {
      const key = rustTrim(p.attrs[0] ?? '');
      const value = decodeEntities(p.body);
      // A schema conversion to JSON null is a result (Rust `Some(Null)`): no `??` here.
      const typed = coerceBySchemaType(value, types.get(key));
      args.set(key, typed !== undefined ? typed : inferLiteralValue(value));
    }
    return { name, arguments: serializeJson(args) };
  });
}

/**
 * The incremental parse. Holds: before the first wrapper, a possible `<minimax:tool_call>`
 * prefix; afterwards the current unfinished wrapper, plus — until the first call — the text
 * since the first wrapper (it becomes normal text if a later wrapper gives the first call, or if
 * none ever does).
 */
function createMinimaxStream(tools: readonly ToolSpec[]): HintedStream {
  const out = new StepBuilder();
  const endSearch = new MarkerSearch(END);
  let started = false;
  let buf = '';
  let pending: string[] = [];

  const consume = (n: number): void => {
    if (out.count === 0 && n > 0) pending.push(buf.slice(0, n));
    buf = buf.slice(n);
    endSearch.reset();
  };

  const before = (final: boolean): void => {
    const s = buf.indexOf(START);
    if (s >= 0) {
      out.text(buf.slice(0, s));
      buf = buf.slice(s);
      started = true;
      return;
    }
    const hold = final ? 0 : partialMarkerSuffix(buf, [START]);
    out.text(buf.slice(0, buf.length - hold));
    buf = buf.slice(buf.length - hold);
  };

  const wrappers = (): void => {
    for (;;) {
      const b = buf.indexOf(START);
      if (b < 0) {
        consume(buf.length - partialMarkerSuffix(buf, [START]));
        return;
      }
      if (b > 0) consume(b);
      const e = endSearch.find(buf, START.length);
      if (e < 0) return;
      const calls = minimaxCalls(buf.slice(START.length, e), tools);
      if (calls.length > 0 && out.count === 0) {
        out.text(pending.join(''));
        pending = [];
      }
      for (const c of calls) out.call(c);
      consume(e + END.length);
    }
  };

  const step = (chunk: string, final: boolean): ToolStreamStep => {
    buf += chunk;
    if (!started) before(final);
    if (started) wrappers();
    if (final && started && out.count === 0) {
      out.text(pending.join('') + buf);
      pending = [];
      buf = '';
    }
    return out.take();
  };

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    waitingFor: () => (started && buf.startsWith(START) ? waitHint(END, buf) : undefined),
  };
}

export const minimaxM2Parser: ToolParser = {
  name: 'minimax_m2',
  parse: (text, tools) => parseWithStream(createMinimaxStream(tools), text),
  stream: (tools) => batchWhileWaiting(createMinimaxStream(tools)),
  hasMarkers: (text) => text.includes(START),
};
