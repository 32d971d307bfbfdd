import path from 'node:path';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly json: boolean;
  /** The process's name in records and its log file name: 'collie', 'ingress-1', … */
  readonly name?: string;
  /** --log-dir: also write JSON lines to `<dir>/<name>.<date>.<n>.log`, rotated. */
  readonly dir?: string;
  /** Rotate a file once it reaches this size (pino-roll syntax: '100m', '1k'); default 100m. */
  readonly fileSize?: string;
}

/** Log files kept per process besides the active one. */
const KEEP_FILES = 7;

/**
 * Creates the process logger on stderr: JSON lines with --log-json, otherwise one
 * human-readable line per record (pino-pretty as an in-process stream, no worker thread).
 * With a log dir, every record also goes as a JSON line to a file of this process (one file
 * per process, so processes never rotate each other's files), rotated daily and by size by
 * pino-roll in pino's transport thread; KEEP_FILES old files are kept.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const name = opts.name ?? 'collie';
  const base = { name, pid: process.pid };
  const stderr = opts.json
    ? pino.destination(2)
    : pretty({
        destination: 2,
        colorize: false,
        translateTime: 'SYS:standard',
        ignore: 'hostname',
        singleLine: true,
      });
  // "level":"info", not pino's number: log shippers and people read names
  const formatters = { level: (label: string) => ({ level: label }) };
  const settings = opts.json
    ? { level: opts.level, base, timestamp: pino.stdTimeFunctions.isoTime, formatters }
    : { level: opts.level, base };
  if (opts.dir === undefined) return pino(settings, stderr);
  const file = pino.transport({
    target: 'pino-roll',
    options: {
      file: path.join(opts.dir, name),
      extension: '.log',
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      size: opts.fileSize ?? '100m',
      mkdir: true,
      limit: { count: KEEP_FILES },
    },
  }) as pino.DestinationStream;
  return pino(
    { ...settings, timestamp: pino.stdTimeFunctions.isoTime, formatters },
    pino.multistream([
      { level: opts.level, stream: stderr },
      { level: opts.level, stream: file },
    ]),
  );
}

/** A logger that discards everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
