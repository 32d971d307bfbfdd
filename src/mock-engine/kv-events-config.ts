import { KV_EVENT_FORMATS, type KvEventFormat } from '../kv-events/encode';

/** The mock engine's KV-event publisher options (`--kv-events`, `--kv-events-format`, `--replay-port`). */
export interface MockKvEventsOptions {
  /** PUB endpoint to bind, e.g. tcp://127.0.0.1:5557 (`:*` = any free port). */
  readonly endpoint: string;
  /** ROUTER endpoint to bind for replays, e.g. tcp://127.0.0.1:5558; none = no replay. */
  readonly replayEndpoint?: string;
  /** Batch encoding: msgspec array_like structs or tagged maps. ['map'] */
  readonly format?: KvEventFormat;
  readonly topic?: string;
  /** Batches kept for replay. [10000] */
  readonly bufferSteps?: number;
  readonly dpRank?: number;
}

const ENDPOINT = /^(tcp:\/\/[^\s]+:(\d+|\*)|ipc:\/\/\S+|inproc:\/\/\S+)$/;

/** Validates the options; throws an Error naming the bad one. */
export function checkKvEvents(o: MockKvEventsOptions): MockKvEventsOptions {
  if (!ENDPOINT.test(o.endpoint)) {
    throw new Error(`mock-engine: kvEvents.endpoint must be tcp://host:port, got '${o.endpoint}'`);
  }
  if (o.replayEndpoint !== undefined && !ENDPOINT.test(o.replayEndpoint)) {
    throw new Error(`mock-engine: kvEvents.replayEndpoint must be tcp://host:port`);
  }
  if (o.format !== undefined && !KV_EVENT_FORMATS.includes(o.format)) {
    throw new Error(`mock-engine: kvEvents.format must be one of ${KV_EVENT_FORMATS.join(', ')}`);
  }
  if (o.bufferSteps !== undefined && !(Number.isInteger(o.bufferSteps) && o.bufferSteps >= 0)) {
    throw new Error('mock-engine: kvEvents.bufferSteps must be an integer >= 0');
  }
  return Object.freeze({ ...o });
}
