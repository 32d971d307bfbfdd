import { LAUNCH_FLAGS, type FlagSpec } from './flags';

function argOf(f: FlagSpec): string {
  switch (f.kind) {
    case 'bool':
      return '';
    case 'list':
      return ' <v>...';
    case 'map':
      return ' <k=v>';
    case 'string':
    case 'int':
    case 'float':
    case 'enum':
      return ' <v>';
  }
}

/** The README's flag table (markdown), generated from the same table as --help. */
export function launchFlagsMarkdown(): string {
  const rows = ['| flag | default | meaning |', '|---|---|---|'];
  for (const f of LAUNCH_FLAGS) {
    const def =
      f.defaultLabel ??
      (f.default === undefined
        ? 'unset'
        : Array.isArray(f.default)
          ? f.default.join(' ') || 'none'
          : String(f.default));
    const choices = f.choices ? ` (${f.choices.join(', ')})` : '';
    rows.push(`| \`${f.flag}\` | \`${def}\` | ${f.help}${choices} |`);
  }
  return rows.join('\n');
}

/** The --help text, generated from the flag table. */
export function launchHelp(): string {
  const lines = ['Usage: collie launch [flags]', '', 'Flags:'];
  for (const f of LAUNCH_FLAGS) {
    const def = f.defaultLabel ?? (f.default === undefined ? 'off' : JSON.stringify(f.default));
    const choices = f.choices ? ` {${f.choices.join(', ')}}` : '';
    lines.push(`  ${(f.flag + argOf(f)).padEnd(36)} ${f.help}${choices} (default: ${def})`);
  }
  return lines.join('\n');
}
