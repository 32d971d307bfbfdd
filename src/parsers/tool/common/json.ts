/**
 * JSON exactly as SMG's `serde_json` (feature `preserve_order`) reads and writes it, so that the
 * `arguments` strings collie emits are byte-identical to SMG's:
 * - objects keep insertion order; a repeated key replaces the value in its first position;
 * - output is compact (`{"a":1,"b":[true,null]}`), strings escape only `"`, `\` and controls;
 * - integers keep their digits within u64/i64 (no 2^53 rounding); other numbers are f64 and
 *   print as Rust's `ryu` does (`1.0`, `1e16`, `1e-7`, `-0.0`);
 * - parsing is strict (no trailing commas, no raw control characters in strings, no lone
 *   surrogate escapes, nothing after the value but whitespace) and refuses nesting deeper than
 *   serde_json's recursion limit (127 levels), so input cannot blow the stack.
 */

/** A JSON number, held as the text serde_json would print for it. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonArray | JsonObject;
export type JsonArray = JsonValue[];
/** Insertion-ordered, like serde_json's `Map` with `preserve_order`. */
export type JsonObject = Map<string, JsonValue>;

/** Input that serde_json would refuse. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/** serde_json's recursion limit: the 128th nested `[`/`{` is refused. */
const MAX_DEPTH = 127;
const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;

/** Parses `text` as serde_json::from_str::<Value> would; throws JsonSyntaxError. */
export function parseJson(text: string): JsonValue {
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('trailing characters');
  return v;
}

/** parseJson, or undefined where serde_json fails. */
export function tryParseJson(text: string): JsonValue | undefined {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
}

/** True when `text` is one complete JSON value (SMG's `is_complete_json`). */
export function isCompleteJson(text: string): boolean {
  return tryParseJson(text) !== undefined;
}

/** serde_json::from_str::<String>: the string a JSON string literal denotes, or undefined. */
export function parseJsonString(text: string): string | undefined {
  const v = tryParseJson(text);
  return typeof v === 'string' ? v : undefined;
}

/** serde_json::to_string (compact). Depth is bounded by construction (parsed values ≤ 127). */
export function serializeJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(serializeJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of value) parts.push(`${JSON.stringify(k)}:${serializeJson(v)}`);
  return `{${parts.join(',')}}`;
}

/**
 * Rust's `Option::or` for JSON values: `v` unless it is absent. Use this, never `??`: a JSON
 * `null` is a present value (`??` would skip it).
 */
export function orElse<T extends JsonValue | undefined, U>(
  v: T,
  fallback: U,
): Exclude<T, undefined> | U {
  return v === undefined ? fallback : (v as Exclude<T, undefined>);
}

/** The object value of `v`, or undefined. */
export function asObject(v: JsonValue | undefined): JsonObject | undefined {
  return v instanceof Map ? v : undefined;
}

/** `obj.get(key)` when `v` is an object (serde's `Value::get`). */
export function getField(v: JsonValue | undefined, key: string): JsonValue | undefined {
  return v instanceof Map ? v.get(key) : undefined;
}

/** A JSON number from an f64, printed as ryu does; undefined for NaN/±Infinity (serde refuses them). */
export function jsonNumberFromF64(x: number): JsonNumber | undefined {
  return Number.isFinite(x) ? new JsonNumber(formatF64(x)) : undefined;
}

/** A JSON number from integer digits (optionally signed): exact within i64/u64, else an f64. */
export function jsonNumberFromInteger(digits: string): JsonNumber {
  const n = BigInt(digits);
  if (n === 0n && digits.startsWith('-')) return new JsonNumber('-0.0');
  if (n >= I64_MIN && n <= U64_MAX) return new JsonNumber(n.toString());
  return new JsonNumber(formatF64(Number(digits)));
}

/** Rust ryu's `format_finite` for f64: shortest round-trip digits in ryu's layout. */
export function formatF64(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const len = digits.length;
  const kk = Number(exp) + 1; // position of the decimal point relative to the digits
  const k = kk - len;
  if (k >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(k)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  if (len === 1) return `${sign}${digits}e${kk - 1}`;
  return `${sign}${digits[0] ?? ''}.${digits.slice(1)}e${kk - 1}`;
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw new JsonSyntaxError(`${msg} at position ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case 0x7b /* { */:
        return this.object(depth + 1);
      case 0x5b /* [ */:
        return this.array(depth + 1);
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal('true', true);
      case 0x66 /* f */:
        return this.literal('false', false);
      case 0x6e /* n */:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'EOF while parsing a value' : 'expected value');
    }
  }

  literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('expected ident');
    this.i += word.length;
    return v;
  }

  object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail('recursion limit exceeded');
    this.i++;
    const out: JsonObject = new Map();
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail('key must be a string');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      this.ws();
      out.set(key, this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
      this.ws();
    }
  }

  array(depth: number): JsonArray {
    if (depth > MAX_DEPTH) this.fail('recursion limit exceeded');
    this.i++;
    const out: JsonArray = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
      this.ws();
    }
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1;
    let start = i;
    let out = '';
    for (;;) {
      if (i >= s.length) {
        this.i = i;
        this.fail('EOF while parsing a string');
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(start, i);
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('control character found while parsing a string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += s.slice(start, i);
      this.i = i;
      const [text, next] = this.escape(i + 1);
      out += text;
      i = next;
      start = i;
    }
  }

  /** One escape after a backslash at `i - 1`; returns its text and the index after it. */
  escape(i: number): [string, number] {
    const e = this.s[i] ?? '';
    switch (e) {
      case '"':
      case '\\':
      case '/':
        return [e, i + 1];
      case 'b':
        return ['\b', i + 1];
      case 'f':
        return ['\f', i + 1];
      case 'n':
        return ['\n', i + 1];
      case 'r':
        return ['\r', i + 1];
      case 't':
        return ['\t', i + 1];
      case 'u':
        return this.unicodeEscape(i + 1);
      default:
        return this.fail('invalid escape');
    }
  }

  hex4(i: number): number {
    const h = this.s.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid hex escape');
    return parseInt(h, 16);
  }

  unicodeEscape(i: number): [string, number] {
    const hi = this.hex4(i);
    if (hi < 0xd800 || hi > 0xdfff) return [String.fromCharCode(hi), i + 4];
    if (hi >= 0xdc00) this.fail('lone trailing surrogate in hex escape');
    if (this.s[i + 4] !== '\\' || this.s[i + 5] !== 'u')
      this.fail('lone leading surrogate in hex escape');
    const lo = this.hex4(i + 6);
    if (lo < 0xdc00 || lo > 0xdfff) this.fail('lone leading surrogate in hex escape');
    return [String.fromCharCode(hi, lo), i + 10];
  }

  number(): JsonNumber {
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(this.s);
    if (m === null) return this.fail('invalid number');
    const lexeme = m[0];
    this.i += lexeme.length;
    const c = this.s.charCodeAt(this.i);
    if (c >= 0x30 && c <= 0x39) this.fail('invalid number'); // "01"
    if (this.s[this.i] === '.' || this.s[this.i] === 'e' || this.s[this.i] === 'E')
      this.fail('invalid number');
    if (m[1] === undefined && m[2] === undefined) return jsonNumberFromInteger(lexeme);
    const n = jsonNumberFromF64(Number(lexeme));
    return n ?? this.fail('number out of range');
  }
}
