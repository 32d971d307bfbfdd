import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** sbin directories are searched too: Debian installs nginx as /usr/sbin/nginx, often off PATH. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable named `name` on PATH (or an sbin dir); undefined if none. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (dir.length === 0) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * First line of `<binary> <args>` output (stdout or stderr: nginx -v writes to stderr, wrk -v
 * exits 1). Empty string if the binary cannot be run.
 */
export function binaryVersion(binary: string, args: readonly string[]): string {
  const res = spawnSync(binary, args, { encoding: 'utf8', timeout: 5000 });
  const text = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim();
  return text.split('\n')[0]?.trim() ?? '';
}
