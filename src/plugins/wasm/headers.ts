import type { ModifyAction, WasmHeader } from './types';

/** RFC 9110 token: what `http::HeaderName` accepts (SMG skips anything else). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/;
/** Visible ASCII, space, tab and obs-text: what `http::HeaderValue` accepts. */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const valid = (h: WasmHeader): boolean => TOKEN.test(h.name) && VALUE.test(h.value);

/**
 * SMG's `apply_modify_action_to_headers` over a list of (lower-case name, value) pairs:
 * headers-set replaces every value of a name, headers-add appends one, headers-remove drops
 * every value; invalid names or values are skipped.
 */
export function applyHeaderActions(
  headers: ReadonlyArray<readonly [string, string]>,
  m: ModifyAction,
): Array<readonly [string, string]> {
  let out = [...headers];
  for (const h of m.headersSet) {
    if (!valid(h)) continue;
    const name = h.name.toLowerCase();
    const at = out.findIndex(([n]) => n === name);
    out = out.filter(([n]) => n !== name);
    if (at >= 0) out.splice(at, 0, [name, h.value]);
    else out.push([name, h.value]);
  }
  for (const h of m.headersAdd) if (valid(h)) out.push([h.name.toLowerCase(), h.value]);
  for (const r of m.headersRemove) {
    if (!TOKEN.test(r)) continue;
    const name = r.toLowerCase();
    out = out.filter(([n]) => n !== name);
  }
  return out;
}

/** The request's header map (repeated values joined with ", ", as the server builds it). */
export function toHeaderMap(pairs: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [n, v] of pairs) {
    const had = map.get(n);
    map.set(n, had === undefined ? v : `${had}, ${v}`);
  }
  return map;
}

export const toWasmHeaders = (pairs: Iterable<readonly [string, string]>): WasmHeader[] =>
  [...pairs].map(([name, value]) => ({ name, value }));
