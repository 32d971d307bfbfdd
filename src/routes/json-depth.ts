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
