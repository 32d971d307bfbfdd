/**
 * The optional bodies of POST /start_profile and /stop_profile (SMG's `Option<Json<…>>`
 * extractor, axum 0.8): no Content-Type → no body (defaults); a JSON Content-Type → parsed,
 * with axum's 400 (syntax, empty body) and 422 (shape); any other Content-Type → 415.
 * Unknown fields are ignored, as serde does.
 */
import type { IncomingRequest } from '../server/types';
import type { GatewayError } from '../errors/gateway-error';
import { parseJsonObject, shapeError, type JsonObject } from './json-body';
import { invalidType } from './parse-body';

/** What goes to each engine's /start_profile (SMG ProfileOptions, in its field order). */
export interface ProfileOptions {
  output_dir?: string;
  start_step?: number;
  num_steps?: number;
  activities?: string[];
  with_stack?: boolean;
  record_shapes?: boolean;
  profile_by_stage: boolean;
}

export interface StartProfileBody {
  readonly url?: string;
  readonly options: ProfileOptions;
}

const I32_MAX = 2 ** 31 - 1;

function optString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidType(v, 'a string');
  return v;
}

function optI32(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidType(v, 'i32');
  if (v < -I32_MAX - 1 || v > I32_MAX) throw invalidValue(v);
  return v;
}

function invalidValue(v: number): GatewayError {
  return shapeError('plain', `invalid value: integer \`${v}\`, expected i32`);
}

function optBool(v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidType(v, 'a boolean');
  return v;
}

function optStrings(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidType(v, 'a sequence');
  for (const x of v) if (typeof x !== 'string') throw invalidType(x, 'a string');
  return v as string[];
}

/** The parsed body, or undefined when the request has no Content-Type (serde defaults). */
function optionalJson(req: IncomingRequest, raw: Buffer): JsonObject | undefined {
  if (req.headers.get('content-type') === undefined) return undefined;
  return parseJsonObject(req, raw, 'plain');
}

function profileOptions(b: JsonObject): ProfileOptions {
  const out: ProfileOptions = { profile_by_stage: false };
  const set = <K extends keyof ProfileOptions>(k: K, v: ProfileOptions[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('output_dir', optString(b['output_dir']));
  set('start_step', optI32(b['start_step']));
  set('num_steps', optI32(b['num_steps']));
  set('activities', optStrings(b['activities']));
  set('with_stack', optBool(b['with_stack']));
  set('record_shapes', optBool(b['record_shapes']));
  // a plain bool with a default: absent is false, null is a type error
  const byStage = b['profile_by_stage'];
  if (byStage !== undefined) {
    if (typeof byStage !== 'boolean') throw invalidType(byStage, 'a boolean');
    out.profile_by_stage = byStage;
  }
  // serde's field order: the options go upstream as {output_dir, …, profile_by_stage}
  const { profile_by_stage, ...rest } = out;
  return { ...rest, profile_by_stage };
}

export function startProfileBody(req: IncomingRequest, raw: Buffer): StartProfileBody {
  const b = optionalJson(req, raw);
  if (b === undefined) return { options: { profile_by_stage: false } };
  const url = optString(b['url']);
  const options = profileOptions(b);
  return url !== undefined ? { url, options } : { options };
}

/** `{"url"?}`: the worker to stop, or undefined for all. */
export function stopProfileUrl(req: IncomingRequest, raw: Buffer): string | undefined {
  const b = optionalJson(req, raw);
  return b === undefined ? undefined : optString(b['url']);
}
