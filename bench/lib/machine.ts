import os from 'node:os';

/** What a bench ran on, for its JSON: other work on the machine skews every number. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly node: string;
  /** 1, 5 and 15-minute load averages when the bench started (and, if set, ended). */
  readonly loadavgAtStart: readonly number[];
  loadavgAtEnd?: readonly number[];
}

export function machineInfo(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavgAtStart: os.loadavg(),
  };
}
