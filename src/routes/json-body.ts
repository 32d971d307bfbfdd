import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { GatewayError } from '../errors/gateway-error';
import type { IncomingRequest } from '../server/types';
import { jsonDepthExceeded } from './json-depth';

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

export function shapeError(kind: Extractor, detail: string): GatewayError {
  return kind === 'validated'
    ? new GatewayError('json_parse_error', `Invalid JSON data: ${detail}`)
    : new GatewayError(
        'json_data_error',
        `Failed to deserialize the JSON body into the target type: ${detail}`,
      );
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
  const tooDeep = jsonDepthExceeded(body);
  if (tooDeep) {
    throw syntaxError(
      kind,
      `recursion limit exceeded at line ${tooDeep.line} column ${tooDeep.column}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw syntaxError(kind, (err as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw shapeError(kind, 'invalid type: expected a JSON object');
  }
  return parsed as JsonObject;
}

/** A compiled shape check whose first failure becomes the extractor's error. */
export interface ShapeCheck {
  assert(value: JsonObject, kind: Extractor): void;
}

export function compileShape(schema: TSchema): ShapeCheck {
  const check: TypeCheck<TSchema> = TypeCompiler.Compile(schema);
  return {
    assert(value, kind) {
      if (check.Check(value)) return;
      const first = check.Errors(value).First();
      const where = first?.path ? first.path.replace(/^\//, '').replaceAll('/', '.') : 'body';
      throw shapeError(kind, `${where}: ${first?.message ?? 'invalid value'}`);
    },
  };
}

/** Semantic (post-parse) validation failure: 400 with numeric code 400 (§1.2). */
export function invalid(message: string): GatewayError {
  return new GatewayError('validation_error', message);
}
