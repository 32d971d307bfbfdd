import { createHash } from 'node:crypto';
import { ExactCache, type CacheStats, type L0CacheOptions } from './cache-l0';
import { PrefixCache, type L1CacheOptions } from './cache-l1';
import { SpecialScanner, type Occurrence, type SpecialToken } from './special-scanner';
import {
  concatIds,
  probeTemplate,
  safeBoundaryIds,
  type EncodeFn,
  type Template,
} from './l1-safety';

export interface TokenizerCacheOptions {
  /** Exact-match cache (off when unset). */
  readonly l0?: L0CacheOptions;
  /** Prefix cache at special-token boundaries (off when unset). */
  readonly l1?: L1CacheOptions;
}

export interface TokenizerCacheStats {
  readonly l0?: CacheStats;
  readonly l1?: CacheStats & {
    /** Special tokens usable as split points (the others failed the safety probes). */
    readonly safeBoundaries: number;
    /** Seedings skipped because the engine's ids did not line up with the text. */
    readonly seedSkips: number;
  };
}

/** A boundary the plan may seed: its occurrence and, when it is a safe split point, its key. */
interface Boundary {
  readonly occ: Occurrence;
  readonly key: string | undefined;
}

/**
 * What one encode needs: either a finished result (L0 hit), or `work` to encode (the whole
 * text, or the suffix after the longest cached prefix) and what to do with the result.
 */
export interface EncodePlan {
  readonly text: string;
  readonly add: boolean;
  readonly done?: Uint32Array;
  readonly work: string;
  readonly workAdd: boolean;
  /** L1 hit: the cached prefix ids (a view: copied on finish). */
  readonly base?: Uint32Array;
  /** Boundaries inside `work`, positions relative to the whole text. */
  readonly boundaries: readonly Boundary[];
  /** Text position where `work` starts. */
  readonly workStart: number;
}

interface L1State {
  readonly cache: PrefixCache;
  readonly scanner: SpecialScanner;
  readonly safe: Set<number>;
  /** Index 0: add = false, 1: add = true; undefined = no L1 for that flag. */
  readonly templates: readonly [Template | undefined, Template | undefined];
  /** isSpecial[id] = 1 for every special token id. */
  readonly isSpecial: Uint8Array;
  seedSkips: number;
}

const EMPTY = new Uint32Array(0);

/**
 * L0 and L1 in front of a synchronous engine (SMG §3 of the internals notes). Planning and
 * finishing run on the calling thread; the work in between may run anywhere (inline or on
 * a pool thread), which is why encoding is split into plan → work → finish.
 */
export class CachedEncoder {
  private readonly l0: ExactCache | undefined;
  private readonly l1: L1State | undefined;

  constructor(
    private readonly encode: EncodeFn,
    specials: readonly SpecialToken[],
    opts: TokenizerCacheOptions,
  ) {
    this.l0 = opts.l0 ? new ExactCache(opts.l0) : undefined;
    this.l1 = opts.l1 ? setupL1(encode, specials, opts.l1) : undefined;
  }

  get enabled(): boolean {
    return this.l0 !== undefined || this.l1 !== undefined;
  }

  plan(text: string, add: boolean): EncodePlan {
    const hit = this.l0?.get(text, add);
    if (hit)
      return {
        text,
        add,
        done: hit.slice(),
        work: '',
        workAdd: false,
        boundaries: [],
        workStart: 0,
      };
    const l1 = this.l1;
    if (!l1 || !l1.templates[add ? 1 : 0]) {
      return { text, add, work: text, workAdd: add, boundaries: [], workStart: 0 };
    }
    const boundaries = keyedBoundaries(l1, text, add);
    for (let k = boundaries.length - 1; k >= 0; k--) {
      const b = boundaries[k] as Boundary;
      if (b.key === undefined || !l1.cache.has(b.key)) continue;
      const base = l1.cache.get(b.key) as Uint32Array;
      return {
        text,
        add,
        work: text.slice(b.occ.end),
        workAdd: false,
        base,
        boundaries: boundaries.slice(k + 1),
        workStart: b.occ.end,
      };
    }
    l1.cache.countMiss();
    return { text, add, work: text, workAdd: add, boundaries, workStart: 0 };
  }

  /** Turns the ids of `plan.work` into the final ids; seeds L1 and stores in L0. */
  finish(plan: EncodePlan, workIds: Uint32Array): Uint32Array {
    if (plan.done) return plan.done;
    const template = this.l1?.templates[plan.add ? 1 : 0];
    let result: Uint32Array;
    let head: Uint32Array | undefined;
    let model: Uint32Array | undefined;
    if (plan.base) {
      result = concatIds(plan.base, workIds, template?.post ?? EMPTY);
      head = plan.base;
      model = workIds;
    } else {
      result = workIds;
      if (template && plan.boundaries.length > 0) {
        const inner = workIds.length - template.pre.length - template.post.length;
        if (inner >= 0 && startsWith(workIds, template.pre) && endsWith(workIds, template.post)) {
          head = template.pre;
          model = workIds.subarray(template.pre.length, template.pre.length + inner);
        }
      }
    }
    if (this.l1 && head && model && plan.boundaries.length > 0) {
      this.seed(this.l1, plan.boundaries, head, model);
    }
    this.l0?.set(plan.text, plan.add, result.slice());
    return result;
  }

  /** The whole cached encode on the calling thread. */
  encodeSync(text: string, add: boolean): Uint32Array {
    const plan = this.plan(text, add);
    if (plan.done) return plan.done;
    return this.finish(plan, this.runWork(plan));
  }

  /** Encodes `plan.work` inline (an empty suffix needs no engine call). */
  runWork(plan: EncodePlan): Uint32Array {
    if (plan.work === '' && !plan.workAdd) return EMPTY;
    return this.encode(plan.work, plan.workAdd);
  }

  stats(): TokenizerCacheStats {
    const l1 = this.l1;
    return {
      ...(this.l0 ? { l0: this.l0.stats() } : {}),
      ...(l1
        ? { l1: { ...l1.cache.stats(), safeBoundaries: l1.safe.size, seedSkips: l1.seedSkips } }
        : {}),
    };
  }

  clear(): void {
    this.l0?.clear();
    this.l1?.cache.clear();
  }

  /**
   * Every boundary in `model` gets the ids up to and including its special token. The
   * engine's special ids must line up one to one with the occurrences found in the text;
   * otherwise (the engine split differently) nothing is seeded.
   */
  private seed(
    l1: L1State,
    boundaries: readonly Boundary[],
    head: Uint32Array,
    model: Uint32Array,
  ): void {
    const ends: number[] = [];
    let k = 0;
    for (let j = 0; j < model.length; j++) {
      const id = model[j] as number;
      if (id >= l1.isSpecial.length || l1.isSpecial[id] !== 1) continue;
      if (k >= boundaries.length || (boundaries[k] as Boundary).occ.id !== id) {
        l1.seedSkips++;
        return;
      }
      ends.push(head.length + j + 1);
      k++;
    }
    if (k !== boundaries.length) {
      l1.seedSkips++;
      return;
    }
    const entries: Array<{ key: string; len: number }> = [];
    for (let i = 0; i < boundaries.length; i++) {
      const key = (boundaries[i] as Boundary).key;
      if (key !== undefined && !l1.cache.has(key)) entries.push({ key, len: ends[i] as number });
    }
    if (entries.length === 0) return;
    const maxLen = entries.reduce((m, e) => Math.max(m, e.len), 0);
    const buf = new Uint32Array(maxLen);
    buf.set(head.subarray(0, Math.min(head.length, maxLen)));
    if (maxLen > head.length) buf.set(model.subarray(0, maxLen - head.length), head.length);
    l1.cache.insert(buf, entries);
  }
}

function setupL1(
  encode: EncodeFn,
  specials: readonly SpecialToken[],
  opts: L1CacheOptions,
): L1State {
  const maxId = specials.reduce((m, t) => Math.max(m, t.id), -1);
  const isSpecial = new Uint8Array(maxId + 1);
  for (const t of specials) isSpecial[t.id] = 1;
  return {
    cache: new PrefixCache(opts),
    scanner: new SpecialScanner(specials),
    safe: safeBoundaryIds(encode, specials),
    templates: [probeTemplate(encode, false), probeTemplate(encode, true)],
    isSpecial,
    seedSkips: 0,
  };
}

/**
 * Every special-token occurrence, each safe one keyed by a digest of (flag, text up to and
 * including it). One incremental SHA-256 pass; copy() snapshots it at each boundary.
 */
function keyedBoundaries(l1: L1State, text: string, add: boolean): Boundary[] {
  const occs = l1.scanner.scan(text);
  if (occs.length === 0) return [];
  let lastSafe = -1;
  for (let i = occs.length - 1; i >= 0 && lastSafe < 0; i--) {
    if (l1.safe.has((occs[i] as Occurrence).id)) lastSafe = i;
  }
  const h = createHash('sha256').update(add ? 'collie-l1:1:' : 'collie-l1:0:');
  let prev = 0;
  return occs.map((occ, i) => {
    if (i > lastSafe || !l1.safe.has(occ.id)) return { occ, key: undefined };
    // UTF-16 code units: injective even for lone surrogates (UTF-8 would fold them to U+FFFD)
    h.update(text.slice(prev, occ.end), 'utf16le');
    prev = occ.end;
    return { occ, key: h.copy().digest('base64') };
  });
}

function startsWith(a: Uint32Array, p: Uint32Array): boolean {
  if (p.length > a.length) return false;
  for (let i = 0; i < p.length; i++) if (a[i] !== p[i]) return false;
  return true;
}

function endsWith(a: Uint32Array, s: Uint32Array): boolean {
  if (s.length > a.length) return false;
  const off = a.length - s.length;
  for (let i = 0; i < s.length; i++) if (a[off + i] !== s[i]) return false;
  return true;
}
