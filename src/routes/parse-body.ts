/**
 * Request shapes of `/parse/*` checked the way serde rejects them (SMG's plain `Json<T>`
 * extractor: 422 "Failed to deserialize the JSON body into the target type: …"), plus serde's
 * nesting limit (128), which SMG answers as a syntax error (400).
 */
import { GatewayError } from '../errors/gateway-error';
import type { ToolSpec } from '../parsers/tool';
import { shapeError, type JsonObject } from './json-body';

/** serde_json's default recursion limit. */
export const MAX_JSON_DEPTH = 128;

/** Deepest array/object nesting of a JSON text (strings skipped), stopping past `limit`. */
export function jsonDepthOver(body: Buffer, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

export function checkDepth(body: Buffer): void {
  if (jsonDepthOver(body)) {
    throw new GatewayError(
      'json_syntax_error',
      'Failed to parse the request body as JSON: recursion limit exceeded',
    );
  }
}

/** serde's name for an unexpected value ("invalid type: integer `5`, expected a string"). */
function unexpected(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  if (typeof v === 'number')
    return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return Array.isArray(v) ? 'sequence' : 'map';
}

export function invalidType(v: unknown, expected: string): GatewayError {
  return shapeError('plain', `invalid type: ${unexpected(v)}, expected ${expected}`);
}

type FieldCheck = (v: unknown) => void;

const str: FieldCheck = (v) => {
  if (typeof v !== 'string') throw invalidType(v, 'a string');
};
const optStr: FieldCheck = (v) => {
  if (v !== null) str(v);
};
const optBool: FieldCheck = (v) => {
  if (v !== null && typeof v !== 'boolean') throw invalidType(v, 'a boolean');
};
const anything: FieldCheck = () => undefined;

/**
 * A struct as serde reads it: wrong-typed known fields in document order first, then the first
 * missing required field in declaration order; unknown fields are ignored.
 */
function struct(
  name: string,
  required: Record<string, FieldCheck>,
  optional: Record<string, FieldCheck> = {},
): FieldCheck {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw invalidType(v, `struct ${name}`);
    }
    const obj = v as JsonObject;
    for (const [k, value] of Object.entries(obj)) (required[k] ?? optional[k])?.(value);
    for (const k of Object.keys(required)) {
      if (!(k in obj)) throw shapeError('plain', `missing field \`${k}\``);
    }
  };
}

function seq(item: FieldCheck): FieldCheck {
  return (v) => {
    if (!Array.isArray(v)) throw invalidType(v, 'a sequence');
    for (const x of v) item(x);
  };
}

const tool = struct('Tool', {
  type: str,
  function: struct(
    'Function',
    { name: str },
    { description: optStr, parameters: anything, strict: optBool },
  ),
});

const functionCallRequest = struct('ParseFunctionCallRequest', {
  text: str,
  tool_call_parser: str,
  tools: seq(tool),
});
const reasoningRequest = struct('SeparateReasoningRequest', { text: str, reasoning_parser: str });

export interface FunctionCallBody {
  readonly text: string;
  readonly parser: string;
  readonly tools: readonly ToolSpec[];
}

export function checkFunctionCallBody(obj: JsonObject): FunctionCallBody {
  functionCallRequest(obj);
  return {
    text: obj['text'] as string,
    parser: obj['tool_call_parser'] as string,
    tools: obj['tools'] as ToolSpec[],
  };
}

export interface ReasoningBody {
  readonly text: string;
  readonly parser: string;
}

export function checkReasoningBody(obj: JsonObject): ReasoningBody {
  reasoningRequest(obj);
  return { text: obj['text'] as string, parser: obj['reasoning_parser'] as string };
}
