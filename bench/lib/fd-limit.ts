import fs from 'node:fs';

export interface FdLimits {
  readonly soft: number;
  readonly hard: number;
}

/**
 * RLIMIT_NOFILE of this process, from /proc/self/limits ("unlimited" → Infinity); children
 * inherit it. undefined when the file cannot be read (not Linux).
 */
export function openFileLimits(): FdLimits | undefined {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (match === null) return undefined;
  const value = (s: string | undefined): number => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/**
 * The command to spawn so that it runs with at least `want` open files: unchanged when the soft
 * limit already allows it, else through `bash -c 'ulimit -n N; exec …'` with N = min(want, hard)
 * (exec keeps the pid, so process-tree CPU accounting is unaffected).
 */
export function withOpenFileLimit(
  command: string,
  args: readonly string[],
  want: number,
): { command: string; args: string[] } {
  const limits = openFileLimits();
  if (limits === undefined || limits.soft >= want || limits.hard <= limits.soft) {
    return { command, args: [...args] };
  }
  const n = Math.min(want, limits.hard);
  return { command: 'bash', args: ['-c', `ulimit -n ${n} && exec "$0" "$@"`, command, ...args] };
}
