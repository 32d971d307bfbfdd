import fs from 'node:fs';

export interface FdLimits {
  readonly soft: number;
  readonly hard: number;
}

/**
 * RLIMIT_NOFILE of this process, from /proc/self/limits ("unlimited" → Infinity); undefined when
 * the file cannot be read (not Linux). Node raises its soft limit to the hard one at startup, so
 * every child we spawn (engines, relays, collie, the load client) already has the hard limit:
 * the hard limit is what bounds the slow-stream phase (nginx gets it via worker_rlimit_nofile).
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
