/**
 * Value inference of SMG's XML-style tool parsers (glm4_moe, step3, minimax_m2): how a raw
 * parameter text becomes a JSON value when the tool schema declares no usable type.
 */
import { JsonNumber, jsonNumberFromF64, tryParseJson, type JsonValue } from './json';
import { parseRustI64 } from './schema';

const RUST_F64_DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const RUST_F64_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Rust `str::parse::<f64>` followed by `serde_json::Number::from_f64`: a JSON number, or
 * undefined when Rust refuses the text or the value is not finite (`inf`, `NaN`, `1e400`).
 */
export function parseRustF64Number(text: string): JsonNumber | undefined {
  if (RUST_F64_DECIMAL.test(text)) return jsonNumberFromF64(Number(text));
  if (RUST_F64_SPECIAL.test(text)) return undefined;
  return undefined;
}

/** Python-ish literals and plain numbers (minimax_m2's `parse_value`); anything else stays a string. */
export function inferLiteralValue(text: string): JsonValue {
  switch (text) {
    case 'true':
    case 'True':
      return true;
    case 'false':
    case 'False':
      return false;
    case 'null':
    case 'None':
      return null;
    default:
      return parseRustI64(text) ?? parseRustF64Number(text) ?? text;
  }
}

/** JSON first, then Python-ish literals and numbers (glm4_moe's `infer_value`, step3's parameters). */
export function inferJsonOrLiteralValue(text: string): JsonValue {
  const json = tryParseJson(text);
  return json !== undefined ? json : inferLiteralValue(text);
}
