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
  let buf = ''; // before the marker: text that may end in a marker prefix
  // The array's text from the marker on, in pieces: scanning reads only the newest piece, as
  // reading a growing string would flatten (copy) it on every push, quadratic over a long array.
  let held: string[] = [];
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
    const rest = buf.slice(i + BOT.length - 1); // from the array's '['
    buf = '';
    held = [BOT.slice(0, -1)];
    mode = 'array';
    array(rest);
  }

  function array(chunk: string): void {
    for (let j = 0; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (escapeNext) escapeNext = false;
      else if (c === 0x5c) escapeNext = true;
      else if (c === 0x22) inString = !inString;
      else if (!inString && c === 0x5b) depth++;
      else if (!inString && c === 0x5d && --depth === 0) {
        held.push(chunk.slice(0, j + 1));
        const text = held.join('');
        held = [];
        const value = tryParseJson(text.slice(BOT.length - 1));
        if (value === undefined) {
          out.text(text + chunk.slice(j + 1));
          mode = 'pass';
        } else {
          for (const call of callsFromArray(value)) out.call(call);
          mode = 'drop';
        }
        return;
      }
    }
    held.push(chunk);
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    if (mode === 'pass') out.text(chunk);
    if (mode === 'drop' || mode === 'pass') return out.take();
    if (mode === 'before') {
      buf += chunk;
      before(final);
    } else array(chunk);
    if (final && mode === 'array') {
      out.text(held.join(''));
      held = [];
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
