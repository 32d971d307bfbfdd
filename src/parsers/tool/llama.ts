/**
 * `llama` (SMG's LlamaParser, Llama 3.2): `<|python_tag|>{"name":…,"parameters":{…}}`, several
 * calls separated by `;`, or a bare JSON object when the text starts (after whitespace) with `{`.
 *
 * Everything after the first `<|python_tag|>` is the call text (a `{`-start without the tag
 * makes the whole text the call text and the normal text empty). If the call text contains a
 * `;` anywhere it is split there and each trimmed piece parsed on its own (invalid ones
 * skipped); else the trimmed call text must be one JSON object. A call needs a string `name`;
 * its `parameters` (default `{}`) are the arguments. No call → the whole text.
 *
 * Streaming: text before the tag is emitted at once; SMG decides only on the whole call text,
 * so from the tag (or a leading `{`) to the end the text is held and decided at finish.
 */
import {
  getField,
  parseWithStream,
  partialMarkerSuffix,
  rustTrim,
  serializeJson,
  StepBuilder,
  tryParseJson,
} from './common';
import { isRustWhitespaceCode } from './common';
import type { JsonValue } from './common';
import type { ToolCall, ToolParser, ToolStreamParser, ToolStreamStep } from './types';

const TAG = '<|python_tag|>';

function llamaCall(obj: JsonValue | undefined): ToolCall | undefined {
  const name = getField(obj, 'name');
  if (typeof name !== 'string') return undefined;
  const params = getField(obj, 'parameters');
  return { name, arguments: params === undefined ? '{}' : serializeJson(params) };
}

function callsFromContent(content: string): ToolCall[] {
  const pieces = content.includes(';') ? content.split(';') : [content];
  const calls: ToolCall[] = [];
  for (const piece of pieces) {
    const t = rustTrim(piece);
    if (t === '') continue;
    const call = llamaCall(tryParseJson(t));
    if (call !== undefined) calls.push(call);
  }
  return calls;
}

function firstNonWhitespace(s: string): number {
  let i = 0;
  while (i < s.length && isRustWhitespaceCode(s.charCodeAt(i))) i++;
  return i;
}

function createLlamaStream(): ToolStreamParser {
  const out = new StepBuilder();
  let mode: 'start' | 'text' | 'brace' | 'tag' = 'start';
  let buf = '';

  function decide(final: boolean): void {
    if (mode === 'start') {
      const i = firstNonWhitespace(buf);
      if (i < buf.length) mode = buf[i] === '{' ? 'brace' : 'text';
    }
    if (mode === 'text') {
      const t = buf.indexOf(TAG);
      if (t >= 0) {
        out.text(buf.slice(0, t));
        buf = buf.slice(t);
        mode = 'tag';
      } else {
        const hold = final ? 0 : partialMarkerSuffix(buf, [TAG]);
        out.text(buf.slice(0, buf.length - hold));
        buf = buf.slice(buf.length - hold);
      }
    }
    if (!final) return;
    if (mode === 'brace') {
      const t = buf.indexOf(TAG);
      emitDecision(t >= 0 ? buf.slice(0, t) : '', t >= 0 ? buf.slice(t + TAG.length) : buf);
    } else if (mode === 'tag') emitDecision('', buf.slice(TAG.length));
    else out.text(buf);
    buf = '';
  }

  /** `normal` + calls of `content`, or the whole held text when there are none. */
  function emitDecision(normal: string, content: string): void {
    const calls = callsFromContent(content);
    if (calls.length === 0) {
      out.text(buf);
      return;
    }
    out.text(normal);
    for (const c of calls) out.call(c);
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    buf += chunk;
    decide(final);
    return out.take();
  }

  return { push: (c) => step(c, false), finish: () => step('', true) };
}

export const llamaParser: ToolParser = {
  name: 'llama',
  parse: (text) => parseWithStream(createLlamaStream(), text),
  stream: () => createLlamaStream(),
  hasMarkers: (text) => text.includes(TAG) || rustTrim(text).startsWith('{'),
};
