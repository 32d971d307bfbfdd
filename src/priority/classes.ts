/**
 * SMG's priority classes (§9.2, `middleware/scheduler/class.rs`), in ascending order: a
 * request asks for one with the `x-smg-priority` header and is clamped down to its tenant's
 * maximum class. Ranks are the array indexes (bulk 0 … system 3).
 */
export const PRIORITY_CLASSES = ['bulk', 'default', 'interactive', 'system'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** The request header naming the class (case-insensitive, trimmed). */
export const PRIORITY_HEADER = 'x-smg-priority';

const RANK: Readonly<Record<PriorityClass, number>> = {
  bulk: 0,
  default: 1,
  interactive: 2,
  system: 3,
};

export function classRank(c: PriorityClass): number {
  return RANK[c];
}

export function classOfRank(rank: number): PriorityClass {
  const c = PRIORITY_CLASSES[rank];
  if (c === undefined) throw new RangeError(`priority class rank out of range: ${rank}`);
  return c;
}

export function isPriorityClass(v: string): v is PriorityClass {
  return Object.hasOwn(RANK, v);
}

/** What a header value asked for. */
export interface ParsedPriority {
  readonly cls: PriorityClass;
  /** A non-empty value that names no class (SMG counts these, then serves them as default). */
  readonly unknown: boolean;
}

/**
 * SMG's parse: trimmed, case-insensitive; a missing, empty or unknown value is `default`
 * (admission does not fail over a typo in a non-essential header).
 */
export function parsePriority(raw: string | undefined): ParsedPriority {
  if (raw === undefined) return { cls: 'default', unknown: false };
  const v = raw.trim().toLowerCase();
  if (isPriorityClass(v)) return { cls: v, unknown: false };
  return { cls: 'default', unknown: v.length > 0 };
}

/** The lower of two classes (the tenant clamp). */
export function minClass(a: PriorityClass, b: PriorityClass): PriorityClass {
  return RANK[a] <= RANK[b] ? a : b;
}
