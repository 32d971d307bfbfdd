/**
 * `mistral` (SMG's MistralParser): `[TOOL_CALLS] [{"name":…,"arguments":{…}}, …]`.
 *
 * Only the first `[TOOL_CALLS] [` counts. Its array ends where SMG's byte scanner brings the
 * bracket count back to zero (a backslash skips the next character even outside strings; `"`
 * toggles strings). The array must be valid JSON: then normal text is the text before the
 * marker, calls are its objects with a string `name` (`arguments` default `{}`), and everything
 * after the array is dropped. An invalid or unclosed array gives the whole text back.
 */
import { parseWithStream, partialMarkerSuffix, StepBuilder, tryParseJson } from './common';
import { callFromNameArguments } from './qwen';
import type { ToolCall, ToolParser, ToolStreamParser, ToolStreamStep } from './types';
import type { JsonValue } from './common';

const BOT = '[TOOL_CALLS] [';

function callsFromArray(value: JsonValue): ToolCall[] {
  const items = Array.isArray(value) ? value : [value];
  const calls: ToolCall[] = [];
  for (const item of items) {
    const c = callFromNameArguments(item);
    if (c !== undefined) calls.push(c);
  }
  return calls;
}

function createMistralStream(): ToolStreamParser {
  const out = new StepBuilder();
  let mode: 'before' | 'array' | 'drop' | 'pass' = 'before';
  let buf = '';
  let pos = 0;
  let depth = 0;
  let inString = false;
  let escapeNext = false;

  function before(final: boolean): void {
    const i = buf.indexOf(BOT);
    if (i < 0) {
      const hold = final ? 0 : partialMarkerSuffix(buf, [BOT]);
      out.text(buf.slice(0, buf.length - hold));
      buf = buf.slice(buf.length - hold);
      return;
    }
    out.text(buf.slice(0, i));
    buf = buf.slice(i);
    pos = BOT.length - 1; // the array's '['
    mode = 'array';
  }

  function array(): void {
    for (; pos < buf.length; pos++) {
      const c = buf.charCodeAt(pos);
      if (escapeNext) escapeNext = false;
      else if (c === 0x5c) escapeNext = true;
      else if (c === 0x22) inString = !inString;
      else if (!inString && c === 0x5b) depth++;
      else if (!inString && c === 0x5d && --depth === 0) {
        const value = tryParseJson(buf.slice(BOT.length - 1, pos + 1));
        if (value === undefined) {
          out.text(buf);
          mode = 'pass';
        } else {
          for (const call of callsFromArray(value)) out.call(call);
          mode = 'drop';
        }
        buf = '';
        return;
      }
    }
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    if (mode === 'pass') out.text(chunk);
    if (mode === 'drop' || mode === 'pass') return out.take();
    buf += chunk;
    if (mode === 'before') before(final);
    if (mode === 'array') array();
    if (final && mode === 'array') {
      out.text(buf);
      buf = '';
    }
    return out.take();
  }

  return { push: (c) => step(c, false), finish: () => step('', true) };
}

export const mistralParser: ToolParser = {
  name: 'mistral',
  parse: (text) => parseWithStream(createMistralStream(), text),
  stream: () => createMistralStream(),
  hasMarkers: (text) => text.includes('[TOOL_CALLS]'),
};
