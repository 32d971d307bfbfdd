import type { SpecialToken } from './special-scanner';

/** Synchronous encode: the engine the caches sit in front of. */
export type EncodeFn = (text: string, addSpecialTokens: boolean) => Uint32Array;

/** Ids the engine's post-processor puts around the model ids (e.g. BOS) for one flag. */
export interface Template {
  readonly pre: Uint32Array;
  readonly post: Uint32Array;
}

const EMPTY = new Uint32Array(0);

/**
 * Suffixes tried after every special token: a split right after the token must give
 * the same ids as the whole text. They catch whitespace-absorbing tokens (rstrip),
 * single-word tokens, and pre-tokenizers that prepend a marker only at the start of the
 * whole input (Metaspace prepend_scheme "first"): all make encode(suffix) context-dependent.
 */
const PROBE_SUFFIXES = [' Hello', 'Hello', '\n\nHi there', '  x', '1 2', 'é', '\t', '<', '!', ''];

function indexOfSeq(hay: Uint32Array, needle: Uint32Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function sameIds(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatIds(...parts: readonly Uint32Array[]): Uint32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The template for `add`, found by encoding probe texts with and without special tokens;
 * undefined when the model ids do not appear unchanged inside (then L1 stays off for it).
 */
export function probeTemplate(encode: EncodeFn, add: boolean): Template | undefined {
  if (!add) return { pre: EMPTY, post: EMPTY };
  let found: Template | undefined;
  for (const probe of ['a', 'Hello world', '\n x 1']) {
    const bare = encode(probe, false);
    const full = encode(probe, true);
    const at = bare.length > 0 ? indexOfSeq(full, bare) : -1;
    if (at < 0) return undefined;
    const t = { pre: full.slice(0, at), post: full.slice(at + bare.length) };
    if (found && !(sameIds(found.pre, t.pre) && sameIds(found.post, t.post))) return undefined;
    found = t;
  }
  return found;
}

/** Whether another special token contains `t` followed by more text (it could win the match). */
function overlapped(t: SpecialToken, all: readonly SpecialToken[]): boolean {
  for (const u of all) {
    if (u === t || u.content.length <= t.content.length) continue;
    for (let i = u.content.indexOf(t.content); i >= 0; i = u.content.indexOf(t.content, i + 1)) {
      if (i + t.content.length < u.content.length) return true;
    }
  }
  return false;
}

/**
 * The ids of the special tokens after which the text can be split: encode(prefix) followed
 * by encode(suffix) equals encode(prefix + suffix) for every probe suffix, and no other
 * special token can swallow the boundary. Costs about 10 short encodes per special token.
 */
export function safeBoundaryIds(encode: EncodeFn, specials: readonly SpecialToken[]): Set<number> {
  const suffixIds = PROBE_SUFFIXES.map((s) => encode(s, false));
  const safe = new Set<number>();
  for (const t of specials) {
    if (t.content.length === 0 || overlapped(t, specials)) continue;
    const head = encode(`a${t.content}`, false);
    if (head.length === 0 || head[head.length - 1] !== t.id) continue;
    const ok = PROBE_SUFFIXES.every((s, i) =>
      sameIds(encode(`a${t.content}${s}`, false), concatIds(head, suffixIds[i] as Uint32Array)),
    );
    if (ok) safe.add(t.id);
  }
  return safe;
}
