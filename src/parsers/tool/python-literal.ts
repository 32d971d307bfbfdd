/**
 * The subset of Python expressions SMG's pythonic parser accepts (it parses with rustpython and
 * converts the AST): a list of calls `[f(a=1, b="x"), g()]` whose keyword values are literals —
 * None/True/False, ints (any base, `_` separators), floats, strings and bytes (all prefixes but
 * f-strings, escapes, implicit concatenation), lists, tuples, dicts, bare names (→ their name
 * as a string), unary `+` on anything and unary `-` on a number. Anything else — positional
 * arguments, `**kwargs`, operators, attribute access, calls as values, sets, f-strings, complex
 * numbers, `...`, syntax errors — throws PythonSyntaxError, and SMG then returns the whole text.
 *
 * Nesting deeper than MAX_DEPTH throws too (rustpython would exhaust its stack long before a
 * multi-megabyte input could nest that far; collie refuses instead of crashing).
 */
import { formatF64, JsonNumber, jsonNumberFromF64, serializeJson } from './common';
import type { JsonObject, JsonValue } from './common';
import type { ToolCall } from './types';

export class PythonSyntaxError extends Error {
  override readonly name = 'PythonSyntaxError';
}

const MAX_DEPTH = 200;
const I64_MAX = 9223372036854775807n;
const U64_MAX = 18446744073709551615n;
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const NAME_RE = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const STRING_PREFIX_RE = /(?:[rR][bB]?|[bB][rR]?|[uU]|[fF][rR]?|[rR][fF])?(?='|")/y;
const NUMBER_RE =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:[0-9](?:_?[0-9])*)?\.?(?:[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?)[jJ]?/y;

/** A parsed value; `int`/`float` are set for numeric constants (unary minus needs them). */
interface Val {
  readonly json: JsonValue;
  readonly int?: bigint;
  readonly float?: number;
}

function intValue(v: bigint, negate: boolean): JsonValue {
  if (v <= I64_MAX) return new JsonNumber((negate ? -v : v).toString());
  if (negate) return `-${v}`;
  return v <= U64_MAX ? new JsonNumber(v.toString()) : v.toString();
}

function floatValue(x: number): JsonValue {
  const n = jsonNumberFromF64(x);
  if (n === undefined) throw new PythonSyntaxError('Invalid float literal in pythonic tool call');
  return n;
}

function keyString(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  throw new PythonSyntaxError('Unsupported key type in pythonic tool call');
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class PyParser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(msg = 'invalid syntax'): never {
    throw new PythonSyntaxError(`${msg} at ${this.i}`);
  }

  /** Skips blanks, newlines (we are always inside brackets), comments and line continuations. */
  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') this.i++;
      else if (c === '#')
        while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
      else if (c === '\\' && (s[this.i + 1] === '\n' || s[this.i + 1] === '\r')) this.i += 2;
      else return;
    }
  }

  eat(tok: string): boolean {
    this.ws();
    if (!this.s.startsWith(tok, this.i)) return false;
    this.i += tok.length;
    return true;
  }

  expect(tok: string): void {
    if (!this.eat(tok)) this.fail(`expected '${tok}'`);
  }

  name(): string | undefined {
    this.ws();
    NAME_RE.lastIndex = this.i;
    const m = NAME_RE.exec(this.s);
    if (m === null) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  /** The whole block: `[call, call, …]` and nothing after it. */
  callList(): ToolCall[] {
    this.expect('[');
    const calls: ToolCall[] = [];
    while (!this.eat(']')) {
      calls.push(this.call());
      if (!this.eat(',')) {
        this.expect(']');
        break;
      }
    }
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected trailing input');
    return calls;
  }

  call(): ToolCall {
    const name = this.name();
    if (name === undefined || KEYWORDS.has(name))
      return this.fail('Expected function calls inside pythonic tool call list');
    this.expect('(');
    const args: JsonObject = new Map();
    while (!this.eat(')')) {
      if (this.eat('**') || this.eat('*'))
        this.fail('pythonic tool calls do not support *args/**kwargs');
      const save = this.i;
      const key = this.name();
      if (key === undefined || KEYWORDS.has(key) || !this.eat('=') || this.s[this.i] === '=') {
        this.i = save;
        this.fail('Positional arguments are not supported in pythonic tool calls');
      }
      if (args.has(key)) this.fail('keyword argument repeated');
      args.set(key, this.value(0).json);
      if (!this.eat(',')) {
        this.expect(')');
        break;
      }
    }
    this.ws();
    const next = this.s[this.i];
    if (next !== ',' && next !== ']')
      this.fail('Expected function calls inside pythonic tool call list');
    return { name, arguments: serializeJson(args) };
  }

  value(depth: number): Val {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const v = this.unary(depth);
    this.ws();
    const c = this.s[this.i];
    if (c !== undefined && !',)]}:'.includes(c))
      this.fail('Unsupported expression in pythonic tool call');
    return v;
  }

  unary(depth: number): Val {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '+') {
      this.i++;
      return { json: this.unary(depth + 1).json };
    }
    if (c === '-') {
      this.i++;
      const operand = this.unary(depth + 1);
      if (operand.int !== undefined) return { json: intValue(operand.int, true) };
      if (operand.float !== undefined) return { json: floatValue(-operand.float) };
      return this.fail('Unsupported unary operand in pythonic tool call');
    }
    return this.atom(depth);
  }

  atom(depth: number): Val {
    const c = this.s[this.i] ?? '';
    if (c === '[') return { json: this.sequence('[', ']', depth) };
    if (c === '(') return this.parenthesized(depth);
    if (c === '{') return { json: this.dict(depth) };
    STRING_PREFIX_RE.lastIndex = this.i;
    if (STRING_PREFIX_RE.test(this.s)) return { json: this.strings() };
    if ((c >= '0' && c <= '9') || c === '.') return this.number();
    const name = this.name();
    if (name === undefined) return this.fail();
    if (name === 'True' || name === 'False') return { json: name === 'True' };
    if (name === 'None') return { json: null };
    if (KEYWORDS.has(name)) return this.fail();
    return { json: name };
  }

  sequence(open: string, close: string, depth: number): JsonValue[] {
    this.expect(open);
    const items: JsonValue[] = [];
    while (!this.eat(close)) {
      items.push(this.value(depth + 1).json);
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  /** `(x)` is x itself; `()`, `(x,)` and `(x, y)` are tuples (arrays). */
  parenthesized(depth: number): Val {
    this.expect('(');
    if (this.eat(')')) return { json: [] };
    const first = this.value(depth + 1);
    if (this.eat(')')) return first;
    this.expect(',');
    const items: JsonValue[] = [first.json];
    while (!this.eat(')')) {
      items.push(this.value(depth + 1).json);
      if (!this.eat(',')) {
        this.expect(')');
        break;
      }
    }
    return { json: items };
  }

  dict(depth: number): JsonValue {
    this.expect('{');
    const out: JsonObject = new Map();
    let first = true;
    while (!this.eat('}')) {
      if (this.eat('**')) this.fail('pythonic tool calls do not support **kwargs');
      const key = keyString(this.value(depth + 1).json);
      if (!this.eat(':'))
        this.fail(first ? 'Unsupported expression in pythonic tool call' : "expected ':'");
      out.set(key, this.value(depth + 1).json);
      first = false;
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return out;
  }

  number(): Val {
    NUMBER_RE.lastIndex = this.i;
    const m = NUMBER_RE.exec(this.s);
    const lex = m?.[0] ?? '';
    if (lex === '' || lex === '.' || /^\.[eEjJ]/.test(lex)) return this.fail();
    this.i += lex.length;
    NAME_RE.lastIndex = this.i;
    if (NAME_RE.test(this.s)) this.fail('invalid decimal literal');
    if (/[jJ]$/.test(lex)) this.fail('Unsupported literal in pythonic tool call');
    const clean = lex.replace(/_/g, '');
    if (/^0[xXoObB]/.test(clean))
      return { json: intValue(BigInt(clean), false), int: BigInt(clean) };
    if (/^[0-9]+$/.test(clean)) {
      if (/^0+[1-9]/.test(clean))
        this.fail('leading zeros in decimal integer literals are not permitted');
      const v = BigInt(clean);
      return { json: intValue(v, false), int: v };
    }
    const x = Number(clean);
    return { json: floatValue(x), float: x };
  }

  /** One or more adjacent string literals, concatenated (str with str, bytes with bytes). */
  strings(): JsonValue {
    let text = '';
    let kind: 'str' | 'bytes' | undefined;
    for (;;) {
      this.ws();
      STRING_PREFIX_RE.lastIndex = this.i;
      const m = STRING_PREFIX_RE.exec(this.s);
      if (m === null) break;
      const prefix = m[0].toLowerCase();
      if (prefix.includes('f'))
        this.fail('Unsupported expression in pythonic tool call (f-string)');
      const k = prefix.includes('b') ? 'bytes' : 'str';
      if (kind !== undefined && kind !== k) this.fail('cannot mix bytes and nonbytes literals');
      kind = k;
      this.i += m[0].length;
      text += this.literal(prefix.includes('r'), k === 'bytes');
    }
    return text;
  }

  /** One quoted literal (prefix consumed); bytes come back decoded lossily as UTF-8. */
  literal(raw: boolean, bytes: boolean): string {
    const s = this.s;
    const q = s[this.i] ?? '';
    const triple = s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    const units: number[] = [];
    let out = '';
    const push = (str: string): void => {
      if (!bytes) out += str;
      else
        for (const ch of str) {
          const code = ch.codePointAt(0) ?? 0;
          if (code > 0x7f) this.fail('bytes can only contain ASCII literal characters');
          units.push(code);
        }
    };
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string literal');
      if (s.startsWith(close, this.i)) break;
      const c = s[this.i] ?? '';
      if (!triple && (c === '\n' || c === '\r')) this.fail('unterminated string literal');
      if (c !== '\\') {
        push(c);
        this.i++;
        continue;
      }
      if (raw) {
        push(s.slice(this.i, this.i + 2));
        this.i += 2;
        continue;
      }
      const e = this.escape(bytes);
      if (typeof e === 'number') units.push(e);
      else push(e);
    }
    this.i += close.length;
    return bytes ? new TextDecoder('utf-8').decode(new Uint8Array(units)) : out;
  }

  /** An escape at a backslash: text to add, or a byte value (bytes `\x`/octal). */
  escape(bytes: boolean): string | number {
    const s = this.s;
    const e = s[this.i + 1] ?? '';
    this.i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === '\n') return '';
    if (e === '\r') {
      if (s[this.i] === '\n') this.i++;
      return '';
    }
    if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(s[this.i] ?? '')) digits += s[this.i++] ?? '';
      const v = parseInt(digits, 8);
      return bytes ? v & 0xff : String.fromCodePoint(v);
    }
    const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = s.slice(this.i, this.i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) this.fail(`truncated \\${e} escape`);
      this.i += hexLen;
      const v = parseInt(hex, 16);
      if (bytes) return v;
      if (v > 0x10ffff) this.fail('illegal Unicode character');
      return String.fromCodePoint(v);
    }
    if (e === 'N' && !bytes) this.fail('\\N{…} escapes are not supported');
    return `\\${e}`;
  }
}

/** The calls of a pythonic block; throws PythonSyntaxError where SMG's conversion fails. */
export function parsePythonCallList(block: string): ToolCall[] {
  return new PyParser(block).callList();
}

/** Exposed for tests: Python float text as SMG prints it. */
export const pythonFloatText = (x: number): string => formatF64(x);

/**
 * One Python literal expression spanning all of `source` (rustpython's `Mode::Expression` plus
 * SMG's `expression_to_json`), as JSON; throws PythonSyntaxError. Used by sarashina.
 */
export function parsePythonLiteral(source: string): JsonValue {
  const p = new PyParser(source);
  const v = p.value(0).json;
  p.ws();
  if (p.i !== source.length) p.fail('unexpected trailing input');
  return v;
}
