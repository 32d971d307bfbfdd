/**
 * SMG's `DeepSeekDsmlParser` (DeepSeek V3.2 `function_calls`, V4 `tool_calls`):
 *
 *   <｜DSML｜BLOCK>
 *   <｜DSML｜invoke name="F">
 *   <｜DSML｜parameter name="K" string="true|false">V</｜DSML｜parameter>
 *   </｜DSML｜invoke>
 *   </｜DSML｜BLOCK>
 *
 * - no `<｜DSML｜BLOCK>` → the whole text is normal text;
 * - normal text is the text before the first `<｜DSML｜BLOCK>` with trailing whitespace trimmed;
 *   everything after it that is not a call is dropped, even when no call is found;
 * - calls come from every complete invoke inside every complete block; names are trimmed and
 *   not checked against the tools;
 * - an invoke body that (trimmed) starts with `{` and ends with `}` is the arguments verbatim;
 *   otherwise each parameter with `string="true"` is the raw text (untrimmed), and with
 *   `string="false"` the trimmed text parsed as JSON, else the raw text as a string. The
 *   `<｜end▁of▁sentence｜>` marker is removed from values.
 */
import type { ToolCall, ToolParser } from '../types';
import { serializeJson, tryParseJson, type JsonObject } from './json';
import { quotedAttribute, scanTags, skipRustWhitespace, type TagHeader } from './lazy-scan';
import { createSectionParser } from './section';
import { rustTrim } from './text';

const EOS = '<｜end▁of▁sentence｜>';

/** `\s+name="([^"]+)"\s*>` */
function invokeHeader(text: string, pos: number): TagHeader | undefined {
  const name = quotedAttribute(text, pos, 'name', 1);
  if (name === undefined) return undefined;
  const gt = skipRustWhitespace(text, name.end);
  if (text.charCodeAt(gt) !== 0x3e) return undefined;
  return { end: gt + 1, attrs: [name.value] };
}

/** `\s+name="([^"]+)"\s+string="(true|false)"\s*>` */
function parameterHeader(text: string, pos: number): TagHeader | undefined {
  const name = quotedAttribute(text, pos, 'name', 1);
  if (name === undefined) return undefined;
  const str = quotedAttribute(text, name.end, 'string', 1);
  if (str === undefined || (str.value !== 'true' && str.value !== 'false')) return undefined;
  const gt = skipRustWhitespace(text, str.end);
  if (text.charCodeAt(gt) !== 0x3e) return undefined;
  return { end: gt + 1, attrs: [name.value, str.value] };
}

/** The arguments JSON of one complete invoke body. */
export function dsmlArguments(body: string): string {
  const trimmed = rustTrim(body);
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  const params: JsonObject = new Map();
  for (const p of scanTags(body, '<｜DSML｜parameter', parameterHeader, '</｜DSML｜parameter>')) {
    const value = p.body.split(EOS).join('');
    if (p.attrs[1] === 'true') {
      params.set(p.attrs[0] ?? '', value);
    } else {
      const parsed = tryParseJson(rustTrim(value));
      params.set(p.attrs[0] ?? '', parsed !== undefined ? parsed : value);
    }
  }
  return serializeJson(params);
}

function parseBlock(content: string): ToolCall[] {
  return scanTags(content, '<｜DSML｜invoke', invokeHeader, '</｜DSML｜invoke>').map((inv) => ({
    name: rustTrim(inv.attrs[0] ?? ''),
    arguments: dsmlArguments(inv.body),
  }));
}

/** A DSML parser registered as `name` whose outer block is `<｜DSML｜blockName>`. */
export function createDsmlParser(name: string, blockName: string): ToolParser {
  return createSectionParser({
    name,
    sectionStart: `<｜DSML｜${blockName}>`,
    blockStart: `<｜DSML｜${blockName}>`,
    blockEnd: `</｜DSML｜${blockName}>`,
    parseBlock,
    noCalls: 'prefix',
    trimNormalEnd: true,
  });
}
