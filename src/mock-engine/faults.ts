import { checkFault } from './config';
import { BadRequest } from './http-io';
import type { FaultConfig } from './types';

/** Request header that injects a fault into one request. */
export const FAULT_HEADER = 'x-mock-fault';

/** A fault config with nothing switched on (routes that ignore the engine-wide faults). */
export const NO_FAULT: Readonly<FaultConfig> = Object.freeze({
  status: null,
  hang: false,
  dropAfterTokens: null,
  failRate: 0,
  failStatus: 500,
  delayMs: 0,
  healthy: true,
});

const KEYS: Record<string, keyof FaultConfig> = {
  status: 'status',
  hang: 'hang',
  drop: 'dropAfterTokens',
  dropaftertokens: 'dropAfterTokens',
  failrate: 'failRate',
  'fail-rate': 'failRate',
  failstatus: 'failStatus',
  'fail-status': 'failStatus',
  delay: 'delayMs',
  delayms: 'delayMs',
  healthy: 'healthy',
};

function toNumber(word: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw new BadRequest(`${FAULT_HEADER}: '${word}' needs a number`);
  }
  return n;
}

function applyWord(word: string, out: Partial<FaultConfig>): void {
  const lower = word.toLowerCase();
  if (lower === 'none' || lower === 'off') return;
  if (lower === 'hang') out.hang = true;
  else if (lower === 'unhealthy') out.healthy = false;
  else if (lower === 'fail') out.failRate = 1;
  else if (/^\d{3}$/.test(lower)) out.status = Number(lower);
  else {
    const eq = lower.indexOf('=');
    const key = eq > 0 ? KEYS[lower.slice(0, eq)] : undefined;
    if (key === undefined) throw new BadRequest(`${FAULT_HEADER}: unknown fault '${word}'`);
    const raw = lower.slice(eq + 1);
    if (key === 'hang' || key === 'healthy') out[key] = raw === 'true' || raw === '1';
    else out[key] = toNumber(word, raw);
  }
}

function fromJson(text: string): Partial<FaultConfig> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BadRequest(`${FAULT_HEADER}: invalid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new BadRequest(`${FAULT_HEADER}: JSON must be an object`);
  }
  const out: Partial<FaultConfig> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const key = KEYS[k.toLowerCase()];
    if (key === undefined) throw new BadRequest(`${FAULT_HEADER}: unknown fault '${k}'`);
    if (key === 'hang' || key === 'healthy') {
      if (typeof val !== 'boolean') throw new BadRequest(`${FAULT_HEADER}: ${k} must be boolean`);
      out[key] = val;
    } else if (key === 'status' || key === 'dropAfterTokens') {
      if (val !== null && typeof val !== 'number') {
        throw new BadRequest(`${FAULT_HEADER}: ${k} must be a number or null`);
      }
      out[key] = val;
    } else {
      if (typeof val !== 'number') throw new BadRequest(`${FAULT_HEADER}: ${k} must be a number`);
      out[key] = val;
    }
  }
  return out;
}

/**
 * Parses `x-mock-fault`: a JSON object (`{"status":503}`, `{"dropAfterTokens":2}`) or words
 * separated by commas/spaces: `hang`, `503`, `status=503`, `drop=3`, `delay=200`, `fail`,
 * `failRate=0.5`, `failStatus=429`, `unhealthy`, `none`. Throws BadRequest on bad input.
 */
export function parseFaultHeader(value: string): Partial<FaultConfig> {
  const text = value.trim();
  const out = text.startsWith('{') ? fromJson(text) : {};
  if (!text.startsWith('{')) {
    for (const word of text.split(/[\s,;]+/)) if (word !== '') applyWord(word, out);
  }
  try {
    return checkFault(out);
  } catch (e) {
    throw new BadRequest(`${FAULT_HEADER}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** What happens to a request before its handler runs. */
export type Preflight = { kind: 'proceed' } | { kind: 'fail'; status: number } | { kind: 'hang' };

const PROCEED: Preflight = { kind: 'proceed' };

/** Decides status / failRate / hang for one request (delay is applied by the caller). */
export function decidePreflight(f: Readonly<FaultConfig>, rng: () => number): Preflight {
  if (f.status !== null) return { kind: 'fail', status: f.status };
  if (f.failRate > 0 && rng() < f.failRate) return { kind: 'fail', status: f.failStatus };
  if (f.hang) return { kind: 'hang' };
  return PROCEED;
}
