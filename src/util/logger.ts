import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Creates the process logger on stderr: JSON lines with --log-json, otherwise one
 * human-readable line per record (pino-pretty as an in-process stream, no worker thread).
 */
export function createLogger(opts: { level: LogLevel; json: boolean; name?: string }): Logger {
  const base = { name: opts.name ?? 'collie', pid: process.pid };
  if (opts.json) {
    return pino(
      {
        level: opts.level,
        base,
        timestamp: pino.stdTimeFunctions.isoTime,
        // "level":"info", not pino's number: log shippers and people read names
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.destination(2),
    );
  }
  const stream = pretty({
    destination: 2,
    colorize: false,
    translateTime: 'SYS:standard',
    ignore: 'hostname',
    singleLine: true,
  });
  return pino({ level: opts.level, base }, stream);
}

/** A logger that discards everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
