/**
 * `json` (SMG's JsonParser): the first balanced `{…}` or `[…]` in the text that is valid JSON is
 * the call (an object) or the calls (an array of objects). Each object needs a string `name`
 * (or, when `name` is absent, `function`); its `arguments` (or, when absent, `parameters`,
 * default `{}`) is re-serialised. Objects without a name are skipped, but the JSON is still cut
 * out of the normal text, which is the text before and after it. Unknown names are kept.
 *
 * The search mirrors SMG's scanner exactly: a `"` anywhere — also in prose — toggles "in string"
 * (brackets inside are ignored); a backslash escapes the next character only inside a string; a
 * mismatched or unmatched closing bracket abandons the candidate; an invalid candidate is
 * skipped and the search goes on after it.
 */
import {
  getField,
  orElse,
  parseWithStream,
  rustTrim,
  serializeJson,
  StepBuilder,
  tryParseJson,
} from './common';
import type { JsonValue } from './common';
import type { ToolCall, ToolParser, ToolSpec, ToolStreamParser, ToolStreamStep } from './types';

function callFromObject(obj: JsonValue): ToolCall | undefined {
  const nameField = orElse(getField(obj, 'name'), getField(obj, 'function'));
  if (typeof nameField !== 'string') return undefined;
  const args = orElse(getField(obj, 'arguments'), getField(obj, 'parameters'));
  return { name: nameField, arguments: args === undefined ? '{}' : serializeJson(args) };
}

/** Calls in a parsed JSON value: one object or an array of objects (others are skipped). */
export function callsFromJsonValue(value: JsonValue): ToolCall[] {
  const items = Array.isArray(value) ? value : [value];
  const calls: ToolCall[] = [];
  for (const item of items) {
    const c = callFromObject(item);
    if (c !== undefined) calls.push(c);
  }
  return calls;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

function createJsonStream(): ToolStreamParser {
  const out = new StepBuilder();
  let buf = ''; // text from the candidate's start (or unscanned text)
  let pos = 0; // next index of buf to scan
  let start = -1; // candidate start in buf
  let inString = false;
  let escape = false;
  let stack: number[] = [];
  let found = false;

  /** Abandon the candidate: everything scanned so far is normal text. */
  function flushScanned(): void {
    out.text(buf.slice(0, pos));
    buf = buf.slice(pos);
    pos = 0;
  }

  function close(i: number, c: number): void {
    const open = stack.pop();
    if (open === undefined) {
      start = -1;
      return;
    }
    if ((open === OPEN_BRACE) !== (c === 0x7d)) {
      start = -1;
      stack = [];
      return;
    }
    if (stack.length > 0 || start < 0) return;
    const value = tryParseJson(buf.slice(start, i + 1));
    if (value === undefined) {
      start = -1;
      return;
    }
    out.text(buf.slice(0, start));
    for (const call of callsFromJsonValue(value)) out.call(call);
    buf = buf.slice(i + 1);
    pos = 0;
    found = true;
  }

  /**
   * Scans `chunk`, the newest text (the tail of `buf`). Reads go to `chunk`, never to `buf`:
   * reading `buf` would flatten the held candidate (a V8 cons string) on every push, O(held)
   * per chunk, quadratic over a long array. `base` is the index of chunk[0] in `buf`; a cut at
   * the front of `buf` (a candidate starts) moves it.
   */
  function scan(chunk: string): void {
    // Hot loop on locals (closure variables are slower); state is written back around calls.
    let base = buf.length - chunk.length;
    let esc = escape;
    let ins = inString;
    for (let j = pos - base; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (esc) esc = false;
      else if (c === 0x5c) esc = ins;
      else if (c === 0x22) ins = !ins;
      else if (ins || (c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== 0x7d && c !== 0x5d))
        continue;
      else {
        escape = esc;
        inString = ins;
        pos = base + j;
        bracket(c);
        if (found) break;
        base = pos - j;
      }
    }
    escape = esc;
    inString = ins;
    if (found) {
      out.text(buf);
      buf = '';
      pos = 0;
      return;
    }
    pos = buf.length;
    if (start < 0) flushScanned();
  }

  /** A bracket outside strings at `pos`; may cut `buf` (then `pos` is moved to match). */
  function bracket(c: number): void {
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (start < 0) {
        out.text(buf.slice(0, pos));
        buf = buf.slice(pos);
        pos = 0;
        start = 0;
      }
      stack.push(c);
    } else close(pos, c);
  }

  function step(chunk: string, final: boolean): ToolStreamStep {
    if (found) out.text(chunk);
    else {
      buf += chunk;
      scan(chunk);
      if (final) {
        out.text(buf);
        buf = '';
      }
    }
    return out.take();
  }

  return { push: (c) => step(c, false), finish: () => step('', true) };
}

export const jsonParser: ToolParser = {
  name: 'json',
  parse: (text: string, _tools: readonly ToolSpec[]) => parseWithStream(createJsonStream(), text),
  stream: () => createJsonStream(),
  hasMarkers(text) {
    const t = rustTrim(text);
    return t.startsWith('[') || t.startsWith('{');
  },
};
