import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client';

/**
 * Lua scripts of the Redis state bus. Each declares every key it touches (all under one hash
 * tag), so they also run on Redis Cluster.
 */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Appends one batch to the stream and applies its effect on the snapshot hash in one atomic
 * step, so a reader that takes the snapshot and the stream's last id in one MULTI sees each
 * batch either in the snapshot or after that id, never both or neither.
 * KEYS: stream, snapshot.
 * ARGV: maxlen, payload, registry version ('' = none), registry JSON, nSet, nSet field/value
 * pairs, then fields to delete. The registry is only replaced by an equal or newer version
 * (what RetainedState keeps, so late joiners and live replicas agree).
 */
export const PUBLISH = script(`
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'd', ARGV[2])
if ARGV[3] ~= '' then
  local cur = tonumber(redis.call('HGET', KEYS[2], 'registry-version'))
  if cur == nil or tonumber(ARGV[3]) >= cur then
    redis.call('HSET', KEYS[2], 'registry', ARGV[4], 'registry-version', ARGV[3])
  end
end
local n = tonumber(ARGV[5])
local i = 6
for _ = 1, n do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
return id
`);

/**
 * Finds participants whose heartbeat key is gone and removes their load vectors from the
 * snapshot, atomically (a participant that refreshes its heartbeat meanwhile keeps them).
 * KEYS: snapshot, then one heartbeat key per participant. ARGV: the participant ids.
 * Returns the ids found dead.
 */
export const REAP = script(`
local dead = {}
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then
    redis.call('HDEL', KEYS[1], 'loads:' .. ARGV[i])
    dead[#dead + 1] = ARGV[i]
  end
end
return dead
`);

/** EVALSHA, falling back to EVAL when the server lost its script cache (restart, FLUSH). */
export async function runScript(
  client: RedisClient,
  s: Script,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return client.eval(s.lua, keys.length, ...keys, ...args);
  }
}
