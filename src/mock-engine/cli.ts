import { parseArgs } from 'node:util';
import { startMockEngine } from './server';
import { checkKvEvents, type MockKvEventsOptions } from './kv-events-config';
import { MOCK_RUNTIMES, type MockEngine, type MockEngineOptions, type MockRuntime } from './types';

export const MOCK_ENGINE_USAGE = `Usage: collie mock-engine [options]

Starts K fake SGLang/OpenAI-compatible engines on ports P..P+K-1 and prints one line per
engine: "mock-engine <url> model=<name>". Runs until SIGINT/SIGTERM.

Options:
  --port P                 first port; 0 = any free port for each engine   [0]
  --count K                number of engines                                [1]
  --host H                 listen address                                   [127.0.0.1]
  --model NAME             served model name                                [mock-model]
  --tokens N               output tokens when a request sets no max tokens  [8]
  --token-delay-ms MS      time per output token                            [0]
  --response-delay-ms MS   delay before response headers                    [0]
  --fail-rate R            probability 0..1 that an inference request fails [0]
  --fail-status S          status of those failures                         [500]
  --kv-capacity-tokens N   prefix-cache capacity in tokens                  [65536]
  --block-size N           tokens per KV block                              [16]
  --prefill-tps N          simulated prefill tokens/s; 0 = instant          [0]
  --prefill-shared         prefill-tps is the engine's total, served FIFO   [off]
  --max-running N          concurrently running generations                 [2048]
  --runtime sglang|vllm    flavour of /v1/models and /metrics               [sglang]
  --role prefill|decode    PD disaggregation role (see pd-role.ts)          [none]
  --bootstrap-timeout-ms MS  decode: longest wait for the prefill's KV      [30000]
  --kv-transfer-tps N      PD: KV hand-off speed, prompt tokens/s; 0 = instant [0]
  --kv-events tcp://H:P    publish KV events (vLLM ZeroMQ format); engine i  [off]
                           binds port P+i (P = *: any free port, shown in
                           /server_info). Drive it: POST /mock/kv_events
                           {"action":"evict","blocks":N}|flush|restart
  --kv-events-format F     array|map (msgspec array_like or tagged maps)    [map]
  --replay-port Q          serve replays on a ROUTER at H:Q+i (0: any)       [off]
  --help                   print this help
`;

const OPTIONS = {
  port: { type: 'string' },
  count: { type: 'string' },
  host: { type: 'string' },
  model: { type: 'string' },
  tokens: { type: 'string' },
  'token-delay-ms': { type: 'string' },
  'response-delay-ms': { type: 'string' },
  'fail-rate': { type: 'string' },
  'fail-status': { type: 'string' },
  'kv-capacity-tokens': { type: 'string' },
  'block-size': { type: 'string' },
  'prefill-tps': { type: 'string' },
  'prefill-shared': { type: 'boolean' },
  'max-running': { type: 'string' },
  runtime: { type: 'string' },
  role: { type: 'string' },
  'bootstrap-timeout-ms': { type: 'string' },
  'kv-transfer-tps': { type: 'string' },
  'kv-events': { type: 'string' },
  'kv-events-format': { type: 'string' },
  'replay-port': { type: 'string' },
  help: { type: 'boolean' },
} as const;

function parseValues(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false })
      .values;
  } catch (e) {
    throw new Error(`mock-engine: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function parseNumber(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new Error(`--${flag}: expected ${integer ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  return n;
}

function parseRuntime(raw: string | undefined): MockRuntime | undefined {
  if (raw === undefined) return undefined;
  const r = MOCK_RUNTIMES.find((x) => x === raw);
  if (r === undefined)
    throw new Error(`--runtime: expected one of ${MOCK_RUNTIMES.join('|')}, got '${raw}'`);
  return r;
}

function parseKvEvents(values: {
  'kv-events'?: string | undefined;
  'kv-events-format'?: string | undefined;
  'replay-port'?: string | undefined;
}): MockKvEventsOptions | undefined {
  const endpoint = values['kv-events'];
  if (endpoint === undefined) {
    if (values['kv-events-format'] !== undefined || values['replay-port'] !== undefined) {
      throw new Error('--kv-events-format/--replay-port need --kv-events');
    }
    return undefined;
  }
  const format = values['kv-events-format'] ?? 'map';
  if (format !== 'array' && format !== 'map') {
    throw new Error(`--kv-events-format: expected array|map, got '${format}'`);
  }
  const replay = parseNumber('replay-port', values['replay-port'], true);
  const host = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint)?.[1];
  if (host === undefined)
    throw new Error(`--kv-events: expected tcp://host:port, got '${endpoint}'`);
  return checkKvEvents({
    endpoint,
    format,
    // port 0: any free port (`:*`), advertised in /server_info
    ...(replay !== undefined
      ? { replayEndpoint: `tcp://${host}:${replay === 0 ? '*' : replay}` }
      : {}),
  });
}

/** The endpoint's port moved by `by` (engine i of --count binds P+i, as DP ranks do). */
function offsetPort(endpoint: string, by: number): string {
  const m = /^(.*):(\d+)$/.exec(endpoint);
  return m ? `${m[1]}:${Number(m[2]) + by}` : endpoint;
}

/** Sets only the options the user gave (exactOptionalPropertyTypes forbids explicit undefined). */
function put<K extends keyof MockEngineOptions>(
  o: MockEngineOptions,
  k: K,
  v: MockEngineOptions[K] | undefined,
) {
  if (v !== undefined) o[k] = v;
}

/** Turns CLI values into engine options plus the engine count; throws on bad values. */
export function parseMockEngineArgs(argv: string[]): {
  help: boolean;
  count: number;
  options: MockEngineOptions;
} {
  const values = parseValues(argv);
  const o: MockEngineOptions = {};
  put(o, 'port', parseNumber('port', values.port, true));
  put(o, 'host', values.host);
  put(o, 'model', values.model);
  put(o, 'tokens', parseNumber('tokens', values.tokens, true));
  put(o, 'tokenDelayMs', parseNumber('token-delay-ms', values['token-delay-ms'], false));
  put(o, 'responseDelayMs', parseNumber('response-delay-ms', values['response-delay-ms'], false));
  put(o, 'failRate', parseNumber('fail-rate', values['fail-rate'], false));
  put(o, 'failStatus', parseNumber('fail-status', values['fail-status'], true));
  put(o, 'kvCapacityTokens', parseNumber('kv-capacity-tokens', values['kv-capacity-tokens'], true));
  put(o, 'blockSize', parseNumber('block-size', values['block-size'], true));
  put(o, 'prefillTokensPerSec', parseNumber('prefill-tps', values['prefill-tps'], false));
  if (values['prefill-shared'] === true) o.prefillShared = true;
  put(o, 'maxRunningRequests', parseNumber('max-running', values['max-running'], true));
  put(o, 'runtime', parseRuntime(values.runtime));
  if (values.role !== undefined) {
    if (values.role !== 'prefill' && values.role !== 'decode') {
      throw new Error(`--role: expected prefill|decode, got '${values.role}'`);
    }
    o.role = values.role;
  }
  put(
    o,
    'bootstrapTimeoutMs',
    parseNumber('bootstrap-timeout-ms', values['bootstrap-timeout-ms'], true),
  );
  put(
    o,
    'kvTransferTokensPerSec',
    parseNumber('kv-transfer-tps', values['kv-transfer-tps'], false),
  );
  put(o, 'kvEvents', parseKvEvents(values));
  const count = parseNumber('count', values.count, true) ?? 1;
  if (count < 1 || count > 1000) throw new Error(`--count: expected 1..1000, got ${count}`);
  const last = (o.port ?? 0) + count - 1;
  if (o.port !== undefined && o.port > 0 && last > 65535) {
    throw new Error(`--port/--count: ports ${o.port}..${last} exceed 65535`);
  }
  return { help: values.help === true, count, options: o };
}

export interface MockEngineCommandDeps {
  /** Where lines go. [console.log] */
  out?: (line: string) => void;
  /** Stops the engines when aborted (tests); SIGINT/SIGTERM always do. */
  signal?: AbortSignal;
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * `collie mock-engine …`: starts the engines, prints their URLs, runs until SIGINT/SIGTERM
 * (or `deps.signal`), then closes them. Bad flags or values throw an Error (exit 2 upstream).
 */
export async function mockEngineCommand(
  argv: string[],
  deps: MockEngineCommandDeps = {},
): Promise<void> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const { help, count, options } = parseMockEngineArgs(argv);
  if (help) {
    out(MOCK_ENGINE_USAGE);
    return;
  }
  const engines: MockEngine[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = options.port !== undefined && options.port > 0 ? options.port + i : 0;
      const kv = options.kvEvents;
      const kvEvents = kv && {
        ...kv,
        endpoint: offsetPort(kv.endpoint, i),
        ...(kv.replayEndpoint !== undefined
          ? { replayEndpoint: offsetPort(kv.replayEndpoint, i) }
          : {}),
      };
      engines.push(await startMockEngine({ ...options, port, ...(kvEvents ? { kvEvents } : {}) }));
    }
  } catch (e) {
    await Promise.all(engines.map((e2) => e2.close()));
    throw e;
  }
  for (const e of engines) {
    const boot = e.bootstrapPort !== undefined ? ` bootstrap_port=${e.bootstrapPort}` : '';
    out(`mock-engine ${e.url} model=${e.model}${boot}`);
  }
  await untilStopped(deps.signal);
  await Promise.all(engines.map((e) => e.close()));
}
