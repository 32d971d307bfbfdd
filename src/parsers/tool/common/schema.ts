/**
 * Type conversion of string values by the tool's JSON schema, as SMG's XML-style parsers do it
 * (`helpers::param_types_for_function` + `helpers::coerce_by_schema_type`).
 */
import type { ToolSpec } from '../types';
import { JsonNumber, parseJsonString, tryParseJson, type JsonValue } from './json';
import { rustTrim } from './text';

/**
 * `param name → declared scalar "type"` for the FIRST tool named `functionName` (empty when the
 * tool or its `parameters.properties` is absent). Union/array `type`s are skipped.
 */
export function paramTypesForFunction(
  tools: readonly ToolSpec[],
  functionName: string,
): Map<string, string> {
  const types = new Map<string, string>();
  const tool = tools.find((t) => t.function.name === functionName);
  const params = tool?.function.parameters;
  if (!isRecord(params)) return types;
  const props = params['properties'];
  if (!isRecord(props)) return types;
  for (const [key, schema] of Object.entries(props)) {
    if (isRecord(schema) && typeof schema['type'] === 'string') types.set(key, schema['type']);
  }
  return types;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const I64_MIN = -9223372036854775808n;
const I64_MAX = 9223372036854775807n;

/** Rust `str::parse::<i64>` (optional sign, ASCII digits, no spaces), or undefined. */
export function parseRustI64(text: string): JsonNumber | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text.startsWith('+') ? text.slice(1) : text);
  return n >= I64_MIN && n <= I64_MAX ? new JsonNumber(n.toString()) : undefined;
}

/**
 * Coerces `text` by its declared schema type. `string`: a JSON string literal is unwrapped,
 * anything else is kept verbatim; `integer`/`number`/`boolean` parse the trimmed text;
 * `object`/`array` parse it as any JSON value. undefined (no declared type, an unknown type, or a
 * failed parse) means "the caller infers".
 */
export function coerceBySchemaType(
  text: string,
  declaredType: string | undefined,
): JsonValue | undefined {
  switch (declaredType ?? '') {
    case 'string':
      return parseJsonString(text) ?? text;
    case 'integer':
      return parseRustI64(rustTrim(text));
    case 'number': {
      const v = tryParseJson(rustTrim(text));
      return v instanceof JsonNumber ? v : undefined;
    }
    case 'boolean': {
      const t = rustTrim(text);
      if (t === 'true' || t === 'True') return true;
      if (t === 'false' || t === 'False') return false;
      return undefined;
    }
    case 'object':
    case 'array':
      return tryParseJson(text);
    default:
      return undefined;
  }
}
