/**
 * `step3` (StepFun Step-3), SMG's `Step3Parser`:
 *
 *   <｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="F">
 *   <steptml:parameter name="K">V</steptml:parameter>…</steptml:invoke><｜tool_call_end｜>…<｜tool_calls_end｜>
 *
 * - no `<｜tool_calls_begin｜>` → the whole text is normal text;
 * - each `<｜tool_call_begin｜>…<｜tool_call_end｜>` block gives a call when it has exactly one
 *   `<｜tool_sep｜>`, the part before it contains `function`, and it holds an invoke with a
 *   non-empty name; names are not checked against the tools;
 * - normal text is the text before `<｜tool_calls_begin｜>`; text after the calls is dropped, but
 *   when no block yields a call the whole text is returned;
 * - parameter names and values are trimmed; values are inferred, never converted by the schema
 *   (JSON, then true/True/false/False/null/None, then numbers, else the string).
 *
 * Known divergence: SMG's block regex also accepts blocks placed before `<｜tool_calls_begin｜>`;
 * here only blocks after it count (no Step-3 template produces the former).
 */
import type { ToolCall } from './types';
import { serializeJson, type JsonObject } from './common/json';
import { quotedAttribute, scanTags, type TagHeader } from './common/lazy-scan';
import { createSectionParser } from './common/section';
import { rustTrim } from './common/text';
import { inferJsonOrLiteralValue } from './common/xml-values';

const TOOL_SEP = '<｜tool_sep｜>';

/** `name="([^"]+)">` right after the tag name (a single space, as SMG's regex spells it). */
function nameHeader(text: string, pos: number): TagHeader | undefined {
  if (text.charCodeAt(pos) !== 0x20) return undefined;
  const a = quotedAttribute(text, pos + 1, 'name', 0);
  if (a === undefined || a.end !== pos + 1 + 'name="'.length + a.value.length + 1) return undefined;
  if (text.charCodeAt(a.end) !== 0x3e) return undefined;
  return { end: a.end + 1, attrs: [a.value] };
}

function parseBlock(content: string): ToolCall[] {
  if (!content.includes('function')) return [];
  const sep = content.indexOf(TOOL_SEP);
  if (sep < 0 || content.includes(TOOL_SEP, sep + TOOL_SEP.length)) return [];
  if (!content.slice(0, sep).includes('function')) return [];
  const invokePart = content.slice(sep + TOOL_SEP.length) + '<｜tool_call_end｜>';
  const invoke = scanTags(invokePart, '<steptml:invoke', nameHeader, '</steptml:invoke>', 1)[0];
  if (invoke === undefined) return [];
  const name = rustTrim(invoke.attrs[0] ?? '');
  if (name === '') return [];
  const args: JsonObject = new Map();
  for (const p of scanTags(
    invoke.body,
    '<steptml:parameter',
    nameHeader,
    '</steptml:parameter>',
    1,
  )) {
    args.set(rustTrim(p.attrs[0] ?? ''), inferJsonOrLiteralValue(rustTrim(p.body)));
  }
  return [{ name, arguments: serializeJson(args) }];
}

export const step3Parser = createSectionParser({
  name: 'step3',
  sectionStart: '<｜tool_calls_begin｜>',
  blockStart: '<｜tool_call_begin｜>',
  blockEnd: '<｜tool_call_end｜>',
  parseBlock,
  noCalls: 'whole',
});
