import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { GatewayError } from '../errors/gateway-error';
import type { IncomingRequest } from '../server/types';
import { jsonDepthExceeded, nestsDeeperThan } from './json-depth';

/**
 * SMG has two JSON extractors with different rejections (§1.2, §1.3):
 *  - validated (chat, completions, /rerank, messages, responses): 400 JSON envelope
 *  - plain     (generate, embeddings, classify, /v1/rerank): axum text 400 / 415 / 422
 */
export type Extractor = 'validated' | 'plain';

export type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonContentType(v: string | undefined): boolean {
  if (v === undefined) return false;
  if (v === 'application/json') return true; // the usual case, without splitting
  const main = v.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return main === 'application/json' || (main.startsWith('application/') && main.endsWith('+json'));
}

function syntaxError(kind: Extractor, detail: string): GatewayError {
  return kind === 'validated'
    ? new GatewayError('json_parse_error', `JSON syntax error: ${detail}`)
    : new GatewayError('json_syntax_error', `Failed to parse the request body as JSON: ${detail}`);
}

/**
 * A body of the wrong shape. Both extractors carry axum's rejection text; ValidatedJson
 * prefixes it with "Invalid JSON data: " (crates/protocols validated.rs).
 */
export function shapeError(kind: Extractor, detail: string): GatewayError {
  const text = `Failed to deserialize the JSON body into the target type: ${detail}`;
  return kind === 'validated'
    ? new GatewayError('json_parse_error', `Invalid JSON data: ${text}`)
    : new GatewayError('json_data_error', text);
}

/** The recursion-limit error of a body nested too deep, or undefined. */
function tooDeepError(kind: Extractor, body: Buffer): GatewayError | undefined {
  const at = jsonDepthExceeded(body);
  if (!at) return undefined;
  return syntaxError(kind, `recursion limit exceeded at line ${at.line} column ${at.column}`);
}

/** Content-type check, strict UTF-8 decode, JSON.parse, "must be an object". */
export function parseJsonObject(req: IncomingRequest, body: Buffer, kind: Extractor): JsonObject {
  if (!isJsonContentType(req.headers.get('content-type'))) {
    throw kind === 'validated'
      ? new GatewayError('json_parse_error', 'Missing Content-Type: application/json header')
      : new GatewayError(
          'unsupported_media_type',
          'Expected request with `Content-Type: application/json`',
        );
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw syntaxError(kind, 'request body is not valid UTF-8');
  }
  if (text.trim() === '') throw syntaxError(kind, 'EOF while parsing a value at line 1 column 0');
  // Nesting past serde's limit is refused, whatever else is wrong with the text. The bytes
  // are scanned for its position only when the body failed to parse or parsed too deep.
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw tooDeepError(kind, body) ?? syntaxError(kind, (err as Error).message);
  }
  if (nestsDeeperThan(parsed)) {
    throw tooDeepError(kind, body) ?? syntaxError(kind, 'recursion limit exceeded');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw shapeError(kind, 'invalid type: expected a JSON object');
  }
  return parsed as JsonObject;
}

/** A compiled shape check whose first failure becomes the extractor's error. */
export interface ShapeCheck {
  /** `raw` (the body's bytes) lets a missing top-level field say where the object ended. */
  assert(value: JsonObject, kind: Extractor, raw?: Uint8Array): void;
}

const JSON_WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);

/**
 * Where serde_json stands after the root object's closing brace: "at line L column C"
 * (1-based line, byte column), as in its "missing field" errors.
 */
export function endPosition(raw: Uint8Array): string {
  let end = raw.length;
  while (end > 0 && JSON_WHITESPACE.has(raw[end - 1] ?? 0)) end--;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (raw[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `at line ${line} column ${end - lineStart}`;
}

const rootKey = (e: ValueError): string => e.path.split('/')[1] ?? '';
const isMissingRoot = (e: ValueError): boolean =>
  e.type === ValueErrorType.ObjectRequiredProperty && e.path.split('/').length === 2;
const describe = (e: ValueError): string =>
  `${e.path ? e.path.replace(/^\//, '').replaceAll('/', '.') : 'body'}: ${e.message}`;

/**
 * The error serde would report first: a present field of the wrong shape (in document order),
 * else the first missing required field (in declaration order, with serde's position).
 */
function firstShapeError(check: TypeCheck<TSchema>, value: JsonObject, raw?: Uint8Array): string {
  const errors = [...check.Errors(value)];
  const wrong = errors.filter((e) => !isMissingRoot(e) && Object.hasOwn(value, rootKey(e)));
  if (wrong.length > 1) {
    const order = new Map(Object.keys(value).map((k, i) => [k, i]));
    wrong.sort((a, b) => (order.get(rootKey(a)) ?? 0) - (order.get(rootKey(b)) ?? 0));
  }
  if (wrong[0]) return describe(wrong[0]);
  const missing = errors.find(isMissingRoot);
  if (missing) {
    const at = raw ? ` ${endPosition(raw)}` : '';
    return `missing field \`${rootKey(missing)}\`${at}`;
  }
  return errors[0] ? describe(errors[0]) : 'body: invalid value';
}

export function compileShape(schema: TSchema): ShapeCheck {
  const check: TypeCheck<TSchema> = TypeCompiler.Compile(schema);
  return {
    assert(value, kind, raw) {
      if (check.Check(value)) return;
      throw shapeError(kind, firstShapeError(check, value, raw));
    },
  };
}

/** Semantic (post-parse) validation failure: 400 with numeric code 400 (§1.2). */
export function invalid(message: string): GatewayError {
  return new GatewayError('validation_error', message);
}
