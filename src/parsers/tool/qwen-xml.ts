/**
 * `qwen_xml` and `qwen_coder` (SMG's QwenXmlParser, Qwen3-Coder / Qwen3.5):
 * `<tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n</function>\n</tool_call>`.
 *
 * The first `<function=…>` names the call (trimmed; empty → skipped; missing → skipped). Every
 * `<parameter=K>V</parameter>` in the block becomes a key (trimmed) with V converted by the
 * tool's schema type, else inferred: JSON if V (trimmed) parses, `True`/`False`/`None`, else the
 * trimmed string. A repeated key keeps its first position and takes the last value. Normal text
 * is the text before the first `<tool_call>`; with no call, the whole text.
 */
import {
  coerceBySchemaType,
  orElse,
  paramTypesForFunction,
  rustTrim,
  serializeJson,
  tryParseJson,
} from './common';
import type { JsonObject, JsonValue } from './common';
import { createSectionParser } from './common/section';
import { findHead, taggedSpans } from './common/tags';
import type { ToolCall, ToolParser, ToolSpec } from './types';

/** SMG's `safe_val`: JSON, then Python literals, else the trimmed text. */
function inferValue(raw: string): JsonValue {
  const t = rustTrim(raw);
  const v = tryParseJson(t);
  if (v !== undefined) return v;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  return t;
}

const NAME_ATTR = /([^>]+)>/y;

function parseBlock(content: string, tools: readonly ToolSpec[]): ToolCall[] {
  const text = rustTrim(content);
  const fn = findHead(text, '<function=', NAME_ATTR, 0, '>');
  const name = rustTrim(fn?.attrs?.[1] ?? '');
  if (name === '') return [];
  const types = paramTypesForFunction(tools, name);
  const params: JsonObject = new Map();
  for (const span of taggedSpans(text, '<parameter=', NAME_ATTR, '</parameter>', '>')) {
    const key = rustTrim(span.attrs?.[1] ?? '');
    params.set(
      key,
      orElse(coerceBySchemaType(rustTrim(span.content), types.get(key)), inferValue(span.content)),
    );
  }
  return [{ name, arguments: serializeJson(params) }];
}

/** The parser under `name` (SMG registers the same parser as `qwen_xml` and `qwen_coder`). */
export function createQwenXmlParser(name: string): ToolParser {
  return createSectionParser({
    name,
    sectionStart: '<tool_call>',
    blockStart: '<tool_call>',
    blockEnd: '</tool_call>',
    noCalls: 'whole',
    parseBlock,
  });
}

export const qwenXmlParser = createQwenXmlParser('qwen_xml');
