/**
 * SMG's `Glm4MoeParser`, shared by glm45_moe and glm47_moe (they differ only in how the function
 * name is split from the arguments):
 *
 *   <tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>\n…</tool_call>   (GLM-4.5/4.6)
 *   <tool_call>NAME<arg_key>K</arg_key><arg_value>V</arg_value>…</tool_call>         (GLM-4.7/5)
 *
 * - no `<tool_call>` → the whole text is normal text;
 * - calls come from every `<tool_call>…</tool_call>` block (the first `</tool_call>` ends it);
 *   names are not checked against the tools;
 * - normal text is the text before the first `<tool_call>` (untrimmed); text after or between
 *   blocks is dropped — but when no block yields a call the whole text is returned;
 * - keys and values are trimmed; a value is converted by the declared schema type of its key,
 *   else inferred (JSON, then True/False/None, then numbers, else the string); a repeated key
 *   keeps its first position with the last value.
 */
import type { ToolCall, ToolParser, ToolSpec } from '../types';
import { serializeJson, type JsonObject } from './json';
import { scanPairs } from './lazy-scan';
import { coerceBySchemaType, paramTypesForFunction } from './schema';
import { createSectionParser } from './section';
import { rustTrim } from './text';
import { inferJsonOrLiteralValue } from './xml-values';

/** Splits a block's content into the function name and the argument text; undefined skips the block. */
export type GlmNameSplitter = (content: string) => { name: string; args: string } | undefined;

/** The GLM `<arg_key>/<arg_value>` pairs of `argsText` as SMG's arguments JSON. */
export function glmArguments(argsText: string, name: string, tools: readonly ToolSpec[]): string {
  const types = paramTypesForFunction(tools, name);
  const args: JsonObject = new Map();
  for (const pair of scanPairs(
    argsText,
    '<arg_key>',
    '</arg_key>',
    '<arg_value>',
    '</arg_value>',
  )) {
    const key = rustTrim(pair.key);
    const raw = rustTrim(pair.value);
    // A schema conversion to JSON null is a result (Rust `Some(Null)`): no `??` here.
    const typed = coerceBySchemaType(raw, types.get(key));
    args.set(key, typed !== undefined ? typed : inferJsonOrLiteralValue(raw));
  }
  return serializeJson(args);
}

/** A GLM MoE parser registered as `name`. */
export function createGlmMoeParser(name: string, split: GlmNameSplitter): ToolParser {
  const parseBlock = (content: string, tools: readonly ToolSpec[]): ToolCall[] => {
    const parts = split(content);
    if (parts === undefined) return [];
    return [{ name: parts.name, arguments: glmArguments(parts.args, parts.name, tools) }];
  };
  return createSectionParser({
    name,
    sectionStart: '<tool_call>',
    blockStart: '<tool_call>',
    blockEnd: '</tool_call>',
    parseBlock,
    noCalls: 'whole',
  });
}
