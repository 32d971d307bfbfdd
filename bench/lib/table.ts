export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table: one header line, a rule, then the rows. Columns are padded
 * to the widest cell; `align` gives each column's alignment (default: first left, others right).
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const widths = headers.map((h, col) =>
    Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length)),
  );
  const alignOf = (col: number): Align => align?.[col] ?? (col === 0 ? 'left' : 'right');
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, col) => {
        const cell = cells[col] ?? '';
        return alignOf(col) === 'left' ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Fixed-point number, or '-' for null. */
export function fmt(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}
