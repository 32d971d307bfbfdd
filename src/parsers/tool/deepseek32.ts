/**
 * `deepseek32` (SMG's DeepSeekDsmlParser::v32, DeepSeek-V3.2), and the DSML machinery that
 * `deepseek_v4` reuses with the block name `tool_calls`:
 *
 *   <｜DSML｜function_calls>
 *   <｜DSML｜invoke name="NAME">
 *   <｜DSML｜parameter name="K" string="true|false">V</｜DSML｜parameter>
 *   </｜DSML｜invoke>
 *   </｜DSML｜function_calls>
 *
 * - Normal text: the text before the first block, trailing whitespace trimmed — also when no
 *   call is found (unlike most formats, the section's text is not given back).
 * - Invoke content that (trimmed) starts with `{` and ends with `}` is the arguments verbatim.
 * - Otherwise each parameter: `string="true"` keeps V as is; `string="false"` parses V (trimmed)
 *   as JSON, falling back to the string V. `<｜end▁of▁sentence｜>` is removed from values.
 * - Names are trimmed; every invoke yields a call (an empty name included).
 */
import { RUST_WS_CLASS, orElse, rustTrim, serializeJson, tryParseJson } from './common';
import type { JsonObject } from './common';
import { createSectionParser } from './common/section';
import { taggedSpans } from './common/tags';
import type { ToolCall, ToolParser } from './types';

const EOS = '<｜end▁of▁sentence｜>';
const INVOKE_ATTRS = new RegExp(`[${RUST_WS_CLASS}]+name="([^"]+)"[${RUST_WS_CLASS}]*>`, 'y');
const PARAM_ATTRS = new RegExp(
  `[${RUST_WS_CLASS}]+name="([^"]+)"[${RUST_WS_CLASS}]+string="(true|false)"[${RUST_WS_CLASS}]*>`,
  'y',
);

function dsmlArguments(content: string): string {
  const trimmed = rustTrim(content);
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  const params: JsonObject = new Map();
  for (const p of taggedSpans(
    content,
    '<｜DSML｜parameter',
    PARAM_ATTRS,
    '</｜DSML｜parameter>',
    '"',
  )) {
    const value = p.content.split(EOS).join('');
    const key = p.attrs?.[1] ?? '';
    params.set(key, p.attrs?.[2] === 'true' ? value : orElse(tryParseJson(rustTrim(value)), value));
  }
  return serializeJson(params);
}

function parseBlock(content: string): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const inv of taggedSpans(
    content,
    '<｜DSML｜invoke',
    INVOKE_ATTRS,
    '</｜DSML｜invoke>',
    '"',
  )) {
    calls.push({ name: rustTrim(inv.attrs?.[1] ?? ''), arguments: dsmlArguments(inv.content) });
  }
  return calls;
}

/** A DSML parser registered as `name` whose outer block is `<｜DSML｜{blockName}>`. */
export function createDsmlParser(name: string, blockName: string): ToolParser {
  return createSectionParser({
    name,
    sectionStart: `<｜DSML｜${blockName}>`,
    blockStart: `<｜DSML｜${blockName}>`,
    blockEnd: `</｜DSML｜${blockName}>`,
    noCalls: 'prefix',
    trimNormalEnd: true,
    parseBlock,
  });
}

export const deepseek32Parser = createDsmlParser('deepseek32', 'function_calls');
