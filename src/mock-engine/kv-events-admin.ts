import type { EngineCore, RequestCtx } from './core';
import { BadRequest, sendJson } from './http-io';
import { isObject } from './body-fields';

/** SGLang's /server_info `kv_events_config` (a JSON string), when the engine publishes events. */
export function kvEventsInfo(core: EngineCore): Record<string, string> {
  const kv = core.kvEvents;
  if (!kv) return {};
  return {
    kv_events_config: JSON.stringify({
      publisher: 'zmq',
      endpoint: kv.endpoint,
      ...(kv.replayEndpoint !== undefined ? { replay_endpoint: kv.replayEndpoint } : {}),
      topic: core.cfg.kvEvents?.topic ?? '',
    }),
  };
}

/**
 * POST /mock/kv_events `{"action": "evict", "blocks": N}` | `{"action": "flush"}` |
 * `{"action": "restart"}` | `{"action": "drop", "batches": N}` — drive the cache and its
 * event stream from outside (the CLI engines, demos).
 */
export async function handleKvEventsAdmin(ctx: RequestCtx): Promise<void> {
  const pub = ctx.core.kvEvents;
  if (!pub) throw new BadRequest('this engine does not publish KV events (--kv-events)');
  const b = ctx.body;
  if (!isObject(b) || typeof b.action !== 'string') throw new BadRequest("'action' is required");
  const count = (k: string): number => {
    const v = b[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new BadRequest(`'${k}' must be an integer >= 0`);
    }
    return v;
  };
  let result: Record<string, number> = {};
  switch (b.action) {
    case 'evict':
      result = { evicted: ctx.core.kv.evict(count('blocks')) };
      break;
    case 'flush':
      ctx.core.kv.flush();
      break;
    case 'restart':
      pub.restart();
      break;
    case 'drop':
      pub.dropNext(count('batches'));
      break;
    default:
      throw new BadRequest(`unknown action '${b.action}'`);
  }
  await pub.flush();
  sendJson(ctx.res, 200, JSON.stringify({ ok: true, next_seq: Number(pub.nextSeq), ...result }));
}
