import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Creates the process logger. JSON lines with --log-json, otherwise a compact
 * human-readable line per record (no extra dependency for pretty printing).
 */
export function createLogger(opts: { level: LogLevel; json: boolean; name?: string }): Logger {
  const base = { name: opts.name ?? 'collie', pid: process.pid };
  if (opts.json) return pino({ level: opts.level, base });
  return pino(
    {
      level: opts.level,
      base,
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that discards everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
