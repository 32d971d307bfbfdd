import fs from 'node:fs';

/** The port of a /proc/net/tcp address (`0100007F:1F90`). */
function portOf(addr: string | undefined): number {
  return parseInt(addr?.split(':').pop() ?? '', 16);
}

/** Inodes of the TCP sockets whose local port is `local` and peer port is `remote` (Linux). */
function socketInodes(local: number, remote: number): Set<string> {
  const out = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (portOf(f[1]) === local && portOf(f[2]) === remote && f[9]) out.add(f[9]);
    }
  }
  return out;
}

/**
 * Which of `pids` holds the client end of the open TCP connection from port `clientPort` to
 * `serverPort` on this machine (Linux /proc): tells which process of a cluster sent a request
 * an in-process server received. Undefined when the connection is gone.
 */
export function socketOwner(
  pids: readonly number[],
  clientPort: number,
  serverPort: number,
): number | undefined {
  const inodes = socketInodes(clientPort, serverPort);
  if (inodes.size === 0) return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1] as string)) return pid;
    }
  }
  return undefined;
}
