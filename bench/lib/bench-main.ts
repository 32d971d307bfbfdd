import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';
import { createProcessGroup, installExitHandlers, type ProcessGroup } from './processes';

/**
 * The entry point of a bench that starts processes: options parsed first (a bad one exits 2
 * with its message), then `run` with a process group that is stopped and cleaned up however
 * the run ends (exit 0 or 1; a signal leaves it to the exit handlers).
 */
export function runBench<O>(
  name: string,
  parse: () => O,
  run: (o: O, group: ProcessGroup) => Promise<void>,
): void {
  let o: O;
  try {
    o = parse();
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const group = createProcessGroup();
  const exit = installExitHandlers(group);
  void run(o, group).then(
    async () => {
      await group.stopAll(2000);
      group.runCleanupSteps();
      process.exit(0);
    },
    async (err: unknown) => {
      if (exit.signalled()) return;
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      await group.stopAll(2000);
      process.exit(1);
    },
  );
}

/** Writes `result` as bench/results/<prefix>-<at, file-safe>.json and says where. */
export function writeResultJson(prefix: string, at: string, result: unknown): void {
  const out = path.join(repoRoot, 'bench', 'results', `${prefix}-${at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`wrote ${path.relative(repoRoot, out)}\n`);
}

const POLICIES: Readonly<Record<string, string>> = {
  collie: 'round_robin',
  'collie-ca': 'cache_aware',
  round_robin: 'round_robin',
  cache_aware: 'cache_aware',
};

/**
 * A collie build and policy from `collie`, `collie-ca` (this checkout) or `<dir>:<policy>`
 * (another build's directory: a copy of dist/, bin/, build/ and package.json); undefined for
 * anything else.
 */
export function collieBuild(spec: string): { bin: string; policy: string } | undefined {
  const at = spec.lastIndexOf(':');
  const policy = POLICIES[spec.slice(at + 1)];
  if (policy === undefined) return undefined;
  return { bin: path.resolve(at < 0 ? repoRoot : spec.slice(0, at), 'bin', 'collie.js'), policy };
}
