/**
 * `cohere` (Command R / R+ / A), SMG's `CohereParser`:
 *
 *   <|START_RESPONSE|>text<|END_RESPONSE|>
 *   <|START_ACTION|>{"tool_name": "F", "parameters": {…}}<|END_ACTION|>   (or a JSON array of them)
 *
 * - calls come from every `<|START_ACTION|>…<|END_ACTION|>` block; the end marker is looked for
 *   outside JSON strings; a block that is not valid JSON gives no call (and is dropped);
 * - each element gives a call when it has `tool_name` (else `name`) as a string; its arguments
 *   are `parameters` (else `arguments`) re-serialised, or `{}` when both are absent;
 * - normal text is all text outside blocks (an unterminated block stays text, marker included)
 *   with `<|START_RESPONSE|> <|END_RESPONSE|> <|START_TEXT|> <|END_TEXT|>` removed, trimmed.
 */
import type { ToolCall, ToolParser, ToolStreamStep } from './types';
import { getField, serializeJson, tryParseJson, type JsonValue } from './common/json';
import { partialMarkerSuffix } from './common/markers';
import { parseWithStream, StepBuilder } from './common/stream';
import { rustTrim } from './common/text';
import { FilterChain, RemoveAllFilter, TrimFilter } from './common/text-filters';
import { batchWhileWaiting, waitHint, type HintedStream } from './common/wait-batch';

const START_ACTION = '<|START_ACTION|>';
const END_ACTION = '<|END_ACTION|>';
const CLEANED = ['<|START_RESPONSE|>', '<|END_RESPONSE|>', '<|START_TEXT|>', '<|END_TEXT|>'];

function callOf(item: JsonValue): ToolCall | undefined {
  const toolName = getField(item, 'tool_name');
  const name = typeof toolName === 'string' ? toolName : getField(item, 'name');
  if (typeof name !== 'string') return undefined;
  // `parameters: null` is used as is (serde's `get` finds it); only a missing key falls back.
  const p = getField(item, 'parameters');
  const params = p !== undefined ? p : getField(item, 'arguments');
  return { name, arguments: params === undefined ? '{}' : serializeJson(params) };
}

/** The calls of one action block's JSON (none when it is not valid JSON). */
export function cohereCalls(json: string): ToolCall[] {
  const value = tryParseJson(rustTrim(json));
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map(callOf).filter((c): c is ToolCall => c !== undefined);
}

/** Finds END_ACTION outside JSON strings, resuming where the previous scan stopped. */
class EndActionScanner {
  private i = 0;
  private inString = false;
  private escape = false;

  /** Index of END_ACTION in `body`, or -1 for now. */
  scan(body: string): number {
    for (; this.i + END_ACTION.length <= body.length; this.i++) {
      if (this.escape) {
        this.escape = false;
        continue;
      }
      const c = body.charCodeAt(this.i);
      if (this.inString) {
        if (c === 0x5c) this.escape = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x3c && body.startsWith(END_ACTION, this.i)) return this.i;
    }
    return -1;
  }
}

function createCohereStream(): HintedStream {
  const out = new StepBuilder();
  const normal = new FilterChain([...CLEANED.map((m) => new RemoveAllFilter(m)), new TrimFilter()]);
  let buf = '';
  let inAction = false;
  let scanner = new EndActionScanner();

  const run = (final: boolean): void => {
    for (;;) {
      if (!inAction) {
        const s = buf.indexOf(START_ACTION);
        if (s < 0) {
          const hold = final ? 0 : partialMarkerSuffix(buf, [START_ACTION]);
          out.text(normal.push(buf.slice(0, buf.length - hold)));
          buf = buf.slice(buf.length - hold);
          return;
        }
        out.text(normal.push(buf.slice(0, s)));
        buf = buf.slice(s + START_ACTION.length);
        inAction = true;
        scanner = new EndActionScanner();
      }
      const e = scanner.scan(buf);
      if (e < 0) {
        if (final) {
          out.text(normal.push(START_ACTION + buf));
          buf = '';
          inAction = false;
        }
        return;
      }
      for (const c of cohereCalls(buf.slice(0, e))) out.call(c);
      buf = buf.slice(e + END_ACTION.length);
      inAction = false;
    }
  };

  const step = (chunk: string, final: boolean): ToolStreamStep => {
    buf += chunk;
    run(final);
    if (final) out.text(normal.end());
    return out.take();
  };

  return {
    push: (chunk) => step(chunk, false),
    finish: () => step('', true),
    waitingFor: () => (inAction ? waitHint(END_ACTION, buf) : undefined),
  };
}

export const cohereParser: ToolParser = {
  name: 'cohere',
  parse: (text) => parseWithStream(createCohereStream(), text),
  stream: () => batchWhileWaiting(createCohereStream()),
  hasMarkers: (text) => text.includes(START_ACTION) || text.includes(END_ACTION),
};
