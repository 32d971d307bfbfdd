import { describeExit, raceTimeout, TIMED_OUT, type ProcessGroup } from './processes';

/** What one `wrk --latency` run reports. Latencies in milliseconds. */
export interface WrkResult {
  /** Completed requests ("N requests in …"), including non-2xx responses. */
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  /**
   * Percentile → latency in ms: the "Latency Distribution" block (50, 75, 90, 99), overridden
   * and extended (99.9, 99.99) by the exact `percentile <p> <µs>` lines our scripts' done() prints.
   */
  readonly percentilesMs: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** From done(); null when the script printed none. */
  readonly p999Ms: number | null;
  /** wrk's "Non-2xx or 3xx responses" (it counts status ≥ 400). */
  readonly non2xx: number;
  readonly socketErrors: SocketErrors;
}

export interface SocketErrors {
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
}

export class WrkParseError extends Error {
  readonly code = 'wrk_parse_error';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}; wrk output was:\n${output.trim()}`);
    this.name = 'WrkParseError';
  }
}

/** wrk's time units (src/units.c), in ms. */
const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a wrk time such as "169.00us", "4.40ms" or "1.02s" into ms; undefined if malformed. */
export function parseWrkTimeMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (match === null) return undefined;
  const [, value, unit] = match;
  const scale = TIME_UNITS_MS[unit ?? ''];
  return scale === undefined ? undefined : Number(value) * scale;
}

/**
 * Parses the stdout of `wrk --latency` (wrk 4.x). Throws {@link WrkParseError} when a required
 * part is missing: Requests/sec, the request count, or the 50% / 99% latency lines.
 */
export function parseWrkOutput(output: string): WrkResult {
  const lines = output.split(/\r?\n/);
  const fail = (what: string): never => {
    throw new WrkParseError(what, output);
  };

  const rpsText = matchLine(lines, /^\s*Requests\/sec:\s+(\S+)\s*$/)?.[1];
  const rps = rpsText === undefined ? fail('no "Requests/sec:" line') : Number(rpsText);
  if (!Number.isFinite(rps)) fail(`bad Requests/sec value "${String(rpsText)}"`);

  const countLine = matchLine(lines, /^\s*(\d+) requests in ([\d.]+\w+),/);
  if (countLine === undefined) return fail('no "N requests in T" line');
  const requests = Number(countLine[1]);
  const durationMs = parseWrkTimeMs(countLine[2] ?? '') ?? fail('bad test duration');

  const percentilesMs = { ...parseLatencyDistribution(lines), ...parseDonePercentiles(lines) };
  const p50Ms = percentilesMs['50'] ?? fail('no 50% line in "Latency Distribution"');
  const p99Ms = percentilesMs['99'] ?? fail('no 99% line in "Latency Distribution"');

  const non2xx = Number(matchLine(lines, /^\s*Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const errors = matchLine(
    lines,
    /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const socketErrors: SocketErrors = {
    connect: Number(errors?.[1] ?? 0),
    read: Number(errors?.[2] ?? 0),
    write: Number(errors?.[3] ?? 0),
    timeout: Number(errors?.[4] ?? 0),
  };
  return {
    requests,
    durationS: durationMs / 1000,
    rps,
    percentilesMs,
    p50Ms,
    p99Ms,
    p999Ms: percentilesMs['99.9'] ?? null,
    non2xx,
    socketErrors,
  };
}

function matchLine(lines: readonly string[], re: RegExp): RegExpExecArray | undefined {
  for (const line of lines) {
    const match = re.exec(line);
    if (match !== null) return match;
  }
  return undefined;
}

/** The "NN%  <time>" lines directly under "Latency Distribution". */
function parseLatencyDistribution(lines: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  const start = lines.findIndex((l) => /^\s*Latency Distribution\s*$/.test(l));
  if (start < 0) return result;
  for (const line of lines.slice(start + 1)) {
    const match = /^\s*(\d+(?:\.\d+)?)%\s+(\S+)\s*$/.exec(line);
    if (match === null) break;
    const ms = parseWrkTimeMs(match[2] ?? '');
    if (ms !== undefined) result[String(Number(match[1]))] = ms;
  }
  return result;
}

/** `percentile <p> <µs>` lines, as printed by the done() of bench/lib/wrk-script.ts. */
function parseDonePercentiles(lines: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of lines) {
    const match = /^percentile (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(line);
    if (match !== null) result[String(Number(match[1]))] = Number(match[2]) / 1000;
  }
  return result;
}

export interface WrkRunOptions {
  readonly wrkPath: string;
  readonly url: string;
  readonly scriptPath: string;
  readonly threads: number;
  readonly connections: number;
  /** Whole seconds (wrk accepts no fractions). */
  readonly durationS: number;
  /** wrk --timeout in whole seconds: a request slower than this counts as a timeout error. */
  readonly timeoutS: number;
  /** CPUs to run on (see SpawnOptions.cpus); absent: unpinned. */
  readonly cpus?: string | undefined;
}

export interface WrkRun {
  readonly result: WrkResult;
  readonly output: string;
}

/** Runs wrk once and parses its output. Killed if it runs 15 s past its duration + timeout. */
export async function runWrk(group: ProcessGroup, opts: WrkRunOptions): Promise<WrkRun> {
  const args = [
    ...['-t', String(opts.threads), '-c', String(opts.connections)],
    ...['-d', `${opts.durationS}s`, '--timeout', `${opts.timeoutS}s`, '--latency'],
    ...['-s', opts.scriptPath, opts.url],
  ];
  const child = group.spawn('wrk', opts.wrkPath, args, { cpus: opts.cpus });
  const limitMs = (opts.durationS + opts.timeoutS + 15) * 1000;
  const info = await raceTimeout(child.exited, limitMs);
  if (info === TIMED_OUT) {
    await group.stop(child, 1000);
    throw new Error(`wrk did not finish within ${limitMs} ms: ${describeExit(child)}`);
  }
  await group.stop(child, 0); // already exited: only forgets it
  if (info.code !== 0) throw new Error(`wrk ${args.join(' ')}: ${describeExit(child, info)}`);
  return { result: parseWrkOutput(child.stdout()), output: child.stdout() };
}

/** connect + read + write + timeout. */
export function socketErrorTotal(e: SocketErrors): number {
  return e.connect + e.read + e.write + e.timeout;
}
