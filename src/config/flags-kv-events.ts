import { bool, int, str } from './flag-kinds';

/**
 * Engine KV events (exact cache-aware routing). Endpoints come from each worker's labels
 * (`kv_events_endpoint`, `kv_events_replay_endpoint`, or SGLang's /server_info
 * `kv_events_config`), else from these templates; `{host}` is the worker URL's host.
 * DP rank r of a worker with `dp_size` N listens on port + r (vLLM's convention).
 */
export const KV_EVENTS_FLAGS = {
  endpoint: str('--kv-events-endpoint', {
    help: "cache_aware: subscribe to every worker's KV events at this ZeroMQ endpoint template, e.g. tcp://{host}:5557 (labels / server_info override it); unset: only workers that advertise one",
  }),
  replayEndpoint: str('--kv-events-replay-endpoint', {
    help: "Template of the engines' replay (ROUTER) endpoint, e.g. tcp://{host}:5558; unset: a gap voids the worker's event state until rebuilt",
  }),
  topic: str('--kv-events-topic', { default: '', help: 'ZeroMQ topic prefix to subscribe to' }),
  disabled: bool('--disable-kv-events', {
    help: 'Never subscribe to engine KV events (cache_aware predicts from routed requests only)',
  }),
  speculativeMs: int('--kv-events-speculative-ms', {
    default: 10000,
    min: 0,
    help: 'cache_aware with events: a routed prefix counts as cached on its worker this long unless a KV event confirms it, ms',
  }),
};
