/** Parsers for single option values; each throws {@link UsageError} naming the flag. */

export class UsageError extends Error {
  readonly code = 'usage_error';
}

export function int(text: string, name: string, min: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got "${text}"`);
  }
  return value;
}

export function positiveNumber(text: string, name: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name}: expected a number > 0, got "${text}"`);
  }
  return value;
}

export function list(text: string, name: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`--${name}: empty list`);
  return [...new Set(items)];
}

export function oneOf<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) {
    throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got "${text}"`);
  }
  return found;
}

/** The chosen items in the order of `allowed` (so the report order never depends on the flag). */
export function oneOfList<T extends string>(
  text: string,
  allowed: readonly T[],
  name: string,
): T[] {
  const chosen = list(text, name).map((item) => oneOf(item, allowed, name));
  return allowed.filter((a) => chosen.includes(a));
}
