/**
 * serde_json's recursion limit, which SMG's extractors inherit: the 129th unclosed `[`/`{`
 * is a syntax error ("recursion limit exceeded at line L column C"). JSON.parse itself does
 * not recurse, but everything after it may (structured clone over IPC, JSON.stringify of a
 * relayed body, schema walks), so a body deeper than this never gets past the extractor.
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** Where the nesting first exceeds `limit` (1-based line and column), or undefined. */
export function jsonDepthExceeded(
  body: Uint8Array,
  limit = MAX_JSON_DEPTH,
): { line: number; column: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > limit) return position(body, i);
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return undefined;
}

/**
 * Whether a parsed value nests deeper than `limit` (an object or array is one level): the
 * same answer as {@link jsonDepthExceeded} on the text it was parsed from, found by visiting
 * only the containers (a chat body has a few dozen; its text has thousands of bytes).
 */
export function nestsDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  return deeper(value, limit);
}

function deeper(v: unknown, left: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (left === 0) return true;
  if (Array.isArray(v)) {
    for (const e of v) if (typeof e === 'object' && e !== null && deeper(e, left - 1)) return true;
    return false;
  }
  for (const k in v) {
    const e = (v as Record<string, unknown>)[k];
    if (typeof e === 'object' && e !== null && deeper(e, left - 1)) return true;
  }
  return false;
}

/** serde counts columns in bytes, 1-based, from the last newline. */
function position(body: Uint8Array, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (body[i] === NEWLINE) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}
