/**
 * `qwen` (SMG's QwenParser, Qwen2.5/Qwen3): `<tool_call>\n{"name":…,"arguments":{…}}\n</tool_call>`.
 *
 * The block needs the newlines: SMG's regex is `<tool_call>\n(.*?)\n</tool_call>`. Its content,
 * trimmed, must be a JSON object with a string `name`; `arguments` (default `{}`) is
 * re-serialised. Unknown function names are kept (the complete parse does not check the tools).
 * Normal text is the text before the first `<tool_call>`; when no block yields a call, the
 * whole text is returned.
 */
import { getField, rustTrim, serializeJson, tryParseJson } from './common';
import type { JsonValue } from './common';
import { createSectionParser } from './common/section';
import type { ToolCall } from './types';

/** A call from a JSON object with a string `name` and optional `arguments` (qwen, mistral). */
export function callFromNameArguments(obj: JsonValue | undefined): ToolCall | undefined {
  const name = getField(obj, 'name');
  if (typeof name !== 'string') return undefined;
  const args = getField(obj, 'arguments');
  return { name, arguments: args === undefined ? '{}' : serializeJson(args) };
}

export const qwenParser = createSectionParser({
  name: 'qwen',
  sectionStart: '<tool_call>',
  blockStart: '<tool_call>\n',
  blockEnd: '\n</tool_call>',
  noCalls: 'whole',
  parseBlock(content) {
    const call = callFromNameArguments(tryParseJson(rustTrim(content)));
    return call === undefined ? [] : [call];
  },
});
