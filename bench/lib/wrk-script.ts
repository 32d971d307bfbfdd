import fs from 'node:fs';
import path from 'node:path';

export interface WrkRequest {
  readonly method: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Open-loop-ish pacing for a fixed aggregate rate. wrk has no rate option (wrk2 has), but its
 * Lua `delay()` returns the ms to wait before each request of a connection. Each of the
 * `connections` waits a uniform random 0..2×mean ms (mean = connections / rate) before every
 * request, so the aggregate averages `rate` req/s while latency ≪ mean, without the
 * connections falling into lockstep. wrk's timers have whole-ms resolution; the achieved rate
 * is what wrk reports, and the latency of each request is timed from when it is written.
 */
export interface WrkPacing {
  /** Aggregate requests per second over all connections. */
  readonly rate: number;
  readonly connections: number;
}

/** Percentiles every script prints from done(), as `percentile <p> <µs>` lines (see wrk.ts). */
export const DONE_PERCENTILES = [50, 90, 99, 99.9, 99.99] as const;

/**
 * Writes a wrk Lua script that sends `request` on every call, optionally paced, and prints
 * {@link DONE_PERCENTILES} at the end; returns its path.
 */
export function writeWrkScript(
  dir: string,
  name: string,
  request: WrkRequest,
  pacing?: WrkPacing,
): string {
  const headerLines = Object.entries(request.headers).map(
    ([key, value]) => `wrk.headers[${luaString(key)}] = ${luaString(value)}`,
  );
  const script = [
    `wrk.method = ${luaString(request.method)}`,
    `wrk.body = ${luaString(request.body)}`,
    ...headerLines,
    '',
    ...(pacing !== undefined ? pacingLua(pacing) : []),
    'function done(summary, latency, requests)',
    `  for _, p in ipairs({${DONE_PERCENTILES.join(', ')}}) do`,
    '    io.write(string.format("percentile %g %.0f\\n", p, latency:percentile(p)))',
    '  end',
    'end',
    '',
  ].join('\n');
  const file = path.join(dir, name);
  fs.writeFileSync(file, script);
  return file;
}

function pacingLua(p: WrkPacing): string[] {
  const meanMs = (p.connections * 1000) / p.rate;
  return [
    `local mean_ms = ${meanMs}`,
    'local threads = 0',
    'function setup(thread)',
    '  threads = threads + 1',
    '  thread:set("thread_id", threads)',
    'end',
    '-- each thread has its own Lua state: seed each differently, or they would pace in step',
    'function init(args)',
    '  math.randomseed(thread_id * 7919 + os.time())',
    'end',
    'function delay()',
    '  return math.floor(math.random() * 2 * mean_ms + 0.5)',
    'end',
    '',
  ];
}

/**
 * A double-quoted Lua string literal. Every byte outside printable ASCII, and `"` and `\`, is
 * written as a decimal escape (\ddd, valid in Lua 5.1/LuaJIT), so any text round-trips as UTF-8.
 */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}
