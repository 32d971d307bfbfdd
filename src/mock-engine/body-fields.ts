import type { EngineCore } from './core';
import { BadRequest } from './http-io';

/** Request bodies are JSON objects; anything else is a 400. */
export type Body = Record<string, unknown>;

export function asObject(v: unknown): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new BadRequest('request body must be a JSON object');
  }
  return v as Body;
}

/** Optional non-negative integer field (null counts as absent). */
export function optCount(o: Body, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
    throw new BadRequest(`'${key}' must be an integer in [0, 1000000]`);
  }
  return v;
}

/** The first present max-token field among `keys`. */
export function maxTokensOf(o: Body, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const n = optCount(o, k);
    if (n !== undefined) return n;
  }
  return undefined;
}

export function optBool(o: Body, key: string): boolean {
  const v = o[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new BadRequest(`'${key}' must be a boolean`);
  return v;
}

/** The request's `model` when it is a non-empty string, else the served model. */
export function modelOf(o: Body, core: EngineCore): string {
  const m = o.model;
  return typeof m === 'string' && m !== '' ? m : core.cfg.model;
}

export function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Token ids given directly (`input_ids`, or a completions prompt of ints). */
export function isTokenIds(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) return false;
  }
  return true;
}
