import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Fields of /proc/<pid>/stat that the benches use. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may contain
 * spaces or ')', so fields are counted from the last ')'. Returns undefined on malformed input.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(line, 10);
  // After ')': state(3) ppid(4) … utime(14) stime(15), i.e. indexes 0, 1, 11, 12.
  const rest = line.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const utimeTicks = Number(rest[11]);
  const stimeTicks = Number(rest[12]);
  if (![pid, ppid, utimeTicks, stimeTicks].every(Number.isFinite)) return undefined;
  return { pid, ppid, utimeTicks, stimeTicks };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // the process is gone
  }
}

/** Every live process on the machine (pid → stat); processes that vanish mid-scan are skipped. */
function readAllProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== undefined) stats.set(stat.pid, stat);
  }
  return stats;
}

/** `rootPid` and all its live descendants (e.g. a cluster primary and its workers). */
export function processTree(rootPid: number): ProcStat[] {
  const all = readAllProcStats();
  const root = all.get(rootPid);
  if (root === undefined) return [];
  const childrenOf = new Map<number, ProcStat[]>();
  for (const stat of all.values()) {
    const siblings = childrenOf.get(stat.ppid) ?? [];
    siblings.push(stat);
    childrenOf.set(stat.ppid, siblings);
  }
  const tree: ProcStat[] = [];
  const queue: ProcStat[] = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    tree.push(next);
    if (tree.length > 10_000) break; // a pid cycle is impossible, but keep the loop bounded
    queue.push(...(childrenOf.get(next.pid) ?? []));
  }
  return tree;
}

/** CPU ticks (utime + stime) per pid of one process tree at one instant. */
export type CpuSnapshot = ReadonlyMap<number, number>;

export function snapshotTreeCpu(rootPid: number): CpuSnapshot {
  return new Map(processTree(rootPid).map((s) => [s.pid, s.utimeTicks + s.stimeTicks]));
}

export interface CpuDelta {
  /** CPU seconds (user + system) the tree used between the snapshots. */
  readonly seconds: number;
  /** The same, per process of the later snapshot. */
  readonly byPid: ReadonlyMap<number, number>;
  /** Processes seen in both snapshots / only before (exited; their last interval is lost) / only after. */
  readonly pids: { readonly kept: number; readonly gone: number; readonly added: number };
}

export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuDelta {
  const byPid = new Map<number, number>();
  let kept = 0;
  for (const [pid, now] of after) {
    const then = before.get(pid);
    if (then !== undefined) kept++;
    byPid.set(pid, (now - (then ?? 0)) / CLOCK_TICKS_PER_SECOND);
  }
  const gone = [...before.keys()].filter((pid) => !after.has(pid)).length;
  const seconds = [...byPid.values()].reduce((a, b) => a + b, 0);
  return { seconds, byPid, pids: { kept, gone, added: after.size - kept } };
}

/**
 * sysconf(_SC_CLK_TCK) via `getconf CLK_TCK`, read once; 100 (the Linux value on every common
 * arch) if that fails.
 */
export const CLOCK_TICKS_PER_SECOND: number = readClockTicks();

function readClockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
