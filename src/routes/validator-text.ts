/**
 * SMG's semantic 400s (ValidatedJson, §1.2) carry the `Display` text of the Rust `validator`
 * crate's (0.20) `ValidationErrors`: one `<field>: <error>` per failing field, joined by
 * newlines, where `<error>` is the validator's message when it has one, else
 * `Validation error: <code> [<params as Rust Debug>]`; struct-level (schema) errors sit under
 * the field name `__all__`, and run only when no field failed. The params map is a Rust
 * HashMap, so SMG prints it in an order that varies per process; collie prints it in the order
 * the validator inserts the entries (min, max, then value) and fields in declaration order.
 */
import { invalid } from './json-body';

/** A Rust `{:?}` rendering of one serde_json::Value param. */
export type DebugText = string;

/** serde_json's float text (ryu): shortest round-trip digits, `1e20`/`1e-7` out of range. */
function rustFloat(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant = '0', exp = '0'] = x.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const kk = Number(exp) + 1; // position of the decimal point relative to the digits
  const sign = neg ? '-' : '';
  if (kk >= 1 && kk <= 16) {
    if (digits.length <= kk) return `${sign}${digits}${'0'.repeat(kk - digits.length)}.0`;
    return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  }
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  const m = digits.length === 1 ? digits : `${digits[0] ?? ''}.${digits.slice(1)}`;
  return `${sign}${m}e${kk - 1}`;
}

/** Rust's `{:?}` of a str: quoted, with `\"`, `\\`, `\n`, `\r`, `\t`, `\0`, `\u{..}` escapes. */
function rustStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A JSON value as serde_json's `Debug` (`Number(1)`, `String("a")`, `Array [..]`, `Object {..}`). */
export function debugJson(v: unknown): DebugText {
  if (v === null || v === undefined) return 'Null';
  if (typeof v === 'boolean') return `Bool(${v})`;
  if (typeof v === 'number') return Number.isInteger(v) ? debugInt(v) : debugF64(v);
  if (typeof v === 'string') return `String(${rustStr(v)})`;
  if (Array.isArray(v)) return `Array [${v.map(debugJson).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return `Object {${entries.map(([k, x]) => `${rustStr(k)}: ${debugJson(x)}`).join(', ')}}`;
}

/** An integer field or literal (`u32`, `i32`, `1`). */
export function debugInt(n: number): DebugText {
  return `Number(${n})`;
}

/** An f64 literal (`2.0`) or f64 field. */
export function debugF64(x: number): DebugText {
  return `Number(${rustFloat(x)})`;
}

/** An f32 field: the value as the f32 serde read, widened to f64 (0.1 → 0.10000000149011612). */
export function debugF32(x: number): DebugText {
  return `Number(${rustFloat(Math.fround(x))})`;
}

function paramsText(params: ReadonlyArray<readonly [string, DebugText]>): string {
  return `{${params.map(([k, v]) => `${rustStr(k)}: ${v}`).join(', ')}}`;
}

/** The failures of one request, in the order the checks ran. */
export class Violations {
  private readonly lines: string[] = [];

  /** A validator with its own message: `<field>: <message>`. */
  message(field: string, message: string): void {
    this.lines.push(`${field}: ${message}`);
  }

  /** A validator without a message: `<field>: Validation error: <code> [<params>]`. */
  code(field: string, code: string, params: ReadonlyArray<readonly [string, DebugText]>): void {
    this.lines.push(`${field}: Validation error: ${code} [${paramsText(params)}]`);
  }

  /** `#[validate(range(min, max))]`: params min, max (as given), then the value. */
  range(
    field: string,
    value: number,
    bounds: { min?: [number, DebugText]; max?: [number, DebugText] },
    asDebug: (x: number) => DebugText,
  ): void {
    const lowOk = bounds.min === undefined || value >= bounds.min[0];
    const highOk = bounds.max === undefined || value <= bounds.max[0];
    if (lowOk && highOk) return;
    const params: Array<readonly [string, DebugText]> = [];
    if (bounds.min) params.push(['min', bounds.min[1]]);
    if (bounds.max) params.push(['max', bounds.max[1]]);
    params.push(['value', asDebug(value)]);
    this.code(field, 'range', params);
  }

  get any(): boolean {
    return this.lines.length > 0;
  }

  /** The 400 (numeric code) SMG answers when any field failed. */
  throwIfAny(): void {
    if (this.lines.length > 0) throw invalid(this.lines.join('\n'));
  }
}

/** A struct-level (schema) failure with a message: `__all__: <message>`. */
export function schemaFailure(message: string): never {
  throw invalid(`__all__: ${message}`);
}

/** A struct-level failure without a message (no params): `__all__: Validation error: <code> [{}]`. */
export function schemaCodeFailure(code: string): never {
  throw invalid(`__all__: Validation error: ${code} [{}]`);
}
