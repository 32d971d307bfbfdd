/**
 * `deepseek` (SMG's DeepSeekParser, DeepSeek-V3):
 * `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{…}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>`.
 *
 * A block counts only if its type is exactly `function`, its name (trimmed) is not empty and its
 * arguments (trimmed) are valid JSON; a non-object value becomes `{"value": …}`. Normal text is
 * the text before `<｜tool▁calls▁begin｜>`; with no call, the whole text.
 */
import { rustTrim, serializeJson, tryParseJson } from './common';
import type { JsonValue } from './common';
import { createSectionParser } from './common/section';
import type { ToolCall } from './types';

export const DEEPSEEK_CALLS_BEGIN = '<｜tool▁calls▁begin｜>';
export const DEEPSEEK_CALL_BEGIN = '<｜tool▁call▁begin｜>';
export const DEEPSEEK_CALL_END = '<｜tool▁call▁end｜>';
export const DEEPSEEK_SEP = '<｜tool▁sep｜>';

/** A call from a name and JSON argument text (trimmed); non-objects are wrapped as `{"value":…}`. */
export function deepseekCall(rawName: string, rawArgs: string): ToolCall | undefined {
  const name = rustTrim(rawName);
  if (name === '') return undefined;
  const value = tryParseJson(rustTrim(rawArgs));
  if (value === undefined) return undefined;
  const args: JsonValue = value instanceof Map ? value : new Map([['value', value]]);
  return { name, arguments: serializeJson(args) };
}

const JSON_FENCE = '\n```json\n';
const CLOSE_FENCE = '\n```';

/** `(.*?)<｜tool▁sep｜>(.*?)\n```json\n(.*?)\n```` over the block content. */
function parseBlock(content: string): ToolCall[] {
  const sep = content.indexOf(DEEPSEEK_SEP);
  if (sep < 0 || content.slice(0, sep) !== 'function') return [];
  const rest = content.slice(sep + DEEPSEEK_SEP.length);
  if (!rest.endsWith(CLOSE_FENCE)) return [];
  const fence = rest.indexOf(JSON_FENCE);
  const argsEnd = rest.length - CLOSE_FENCE.length;
  if (fence < 0 || fence + JSON_FENCE.length > argsEnd) return [];
  const call = deepseekCall(rest.slice(0, fence), rest.slice(fence + JSON_FENCE.length, argsEnd));
  return call === undefined ? [] : [call];
}

export const deepseekParser = createSectionParser({
  name: 'deepseek',
  sectionStart: DEEPSEEK_CALLS_BEGIN,
  blockStart: DEEPSEEK_CALL_BEGIN,
  blockEnd: DEEPSEEK_CALL_END,
  noCalls: 'whole',
  parseBlock,
});
